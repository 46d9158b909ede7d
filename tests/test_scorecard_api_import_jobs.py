"""Issue 8, finding 3 for the API: a big actuals import through ``POST /api/v1/actual-imports/``
runs as the same background job the import page uses (202 with the job, its status URL and
progress); a small one stays all-or-nothing in the request. Only the job's starter sees it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scorecard.models import ItemKind, MonthlyActual, ScorecardItem, ScorecardStatus
from scorecard.services import actuals_import_jobs
from spm.models import Job
from tests.access import CAST, MEMBERS
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard
from tests.test_scorecard_import import csv_file

pytestmark = pytest.mark.django_db
URL = "/api/v1/actual-imports/"


@pytest.fixture
def items(cast: Cast) -> list[ScorecardItem]:
    scorecard = unit_scorecard(cast.engineering, quantitative=2, status=ScorecardStatus.SIGNED)
    return list(scorecard.items.filter(kind=ItemKind.QUANTITATIVE))


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actuals_import_jobs, "BACKGROUND_ROWS", 2)


def _upload(rows: list[list[Any]]) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("a.csv", csv_file(rows).getvalue())}


def _post(client: Any, rows: list[list[Any]], capture: Any) -> Any:
    with capture(execute=True):
        return client.post(URL, _upload(rows))


def test_a_big_file_answers_202_with_the_job_and_its_url_shows_the_report(
    cast: Cast,
    items: list[ScorecardItem],
    small_threshold: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows = [[item.pk, 2026, m, m, ""] for item in items for m in (1, 2, 3)]
    client = cast.client("manager")
    response = _post(client, rows, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    body = response.json()
    assert body["id"] == job.pk and body["url"].endswith(f"{URL}{job.pk}/")
    assert response["Location"] == body["url"]
    assert {"status", "done", "total", "percent", "report"} <= set(body)
    polled = client.get(f"{URL}{job.pk}/").json()
    assert polled["status"] == Job.Status.DONE and polled["percent"] == 100
    assert polled["done"] == polled["total"] == len(rows) + 1
    assert polled["report"]["ok"] is True and polled["report"]["created"] == len(rows)
    assert MonthlyActual.objects.count() == len(rows)


def test_a_big_file_with_bad_rows_writes_nothing_and_the_job_reports_each_row(
    cast: Cast,
    items: list[ScorecardItem],
    small_threshold: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rows = [[items[0].pk, 2026, 1, 5, ""], [items[1].pk, 2026, 13, 5, ""], [999999, 2026, 2, 1, ""]]
    client = cast.client("manager")
    response = _post(client, rows, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    report = client.get(response.json()["url"]).json()["report"]
    assert report["ok"] is False
    assert [e["line"] for e in report["errors"]] == [3, 4]
    assert all(e["messages"] for e in report["errors"])
    assert not MonthlyActual.objects.exists()


def test_a_small_file_is_still_imported_in_the_request_all_or_nothing(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    client = cast.client("manager")
    good = client.post(URL, _upload([[items[0].pk, 2026, 1, 5, ""]]))
    assert good.status_code == 200 and good.json()["created"] == 1
    bad = client.post(
        URL, _upload([[items[0].pk, 2026, 2, 5, ""], [items[1].pk, 2026, 1, "x", ""]])
    )
    assert bad.status_code == 400 and [e["line"] for e in bad.json()["errors"]] == [3]
    assert MonthlyActual.objects.count() == 1 and not Job.objects.exists()


@pytest.mark.parametrize("role", CAST)
def test_every_member_may_start_a_big_import_and_only_they_see_its_job(
    cast: Cast,
    items: list[ScorecardItem],
    small_threshold: None,
    django_capture_on_commit_callbacks: Any,
    role: str,
) -> None:
    rows = [[items[0].pk, 2026, m, m, ""] for m in (1, 2, 3)]
    response = _post(cast.client(role), rows, django_capture_on_commit_callbacks)
    if role == "anonymous":
        assert response.status_code == 401 and not Job.objects.exists()
        return
    assert response.status_code == 202
    job = Job.objects.get()
    report = cast.client(role).get(f"{URL}{job.pk}/").json()["report"]
    # Only who may enter the engineering card's values imports them; the rest get the rows.
    may_enter = role in {"manager", "hr", "executive"}
    assert report["ok"] is may_enter, report
    assert MonthlyActual.objects.count() == (3 if may_enter else 0)
    for other in MEMBERS:
        if other != role:
            assert cast.client(other).get(f"{URL}{job.pk}/").status_code == 404
    assert cast.client("anonymous").get(f"{URL}{job.pk}/").status_code == 401
