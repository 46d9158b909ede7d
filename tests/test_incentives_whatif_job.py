"""The what-if runs as a background job: the page starts it, polls its progress bar and
shows the result once done; the API answers the job (202) and then its result; nobody
but its starter reads a job; nothing but the job is saved until the terms are applied."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import TestCase

from incentives.models import BonusScheme
from incentives.tasks import WHATIF_KIND, whatif_compute
from spm.models import Job
from tests.access import assert_scoped, expect
from tests.conftest import Cast
from tests.incentives_world import TERMS, bonus_world

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_preview_starts_a_job_the_page_polls_until_its_result_shows(cast: Cast) -> None:
    world = bonus_world(cast)
    client = cast.client("hr")
    url = f"/incentives/cycles/{world.cycle.pk}/what-if/"
    started = client.post(url, {**TERMS, "preview": "1"})  # not committed: the job waits
    job = Job.objects.get(kind=WHATIF_KIND)
    assert started["Location"] == f"{url}?job={job.pk}"
    assert job.status == Job.Status.PENDING and job.created_by == cast.hr.user
    waiting = client.get(started["Location"]).content.decode()
    assert 'role="progressbar"' in waiting and "150,000.00" not in waiting
    assert 'value="1.5"' in waiting  # the form keeps the terms being computed
    poll = client.get(started["Location"], **HTMX)
    assert poll.status_code == 200 and f'id="job-{job.pk}"' in poll.content.decode()
    assert "HX-Refresh" not in poll

    whatif_compute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 3 * 4
    assert client.get(started["Location"], **HTMX)["HX-Refresh"] == "true"
    page = client.get(started["Location"]).content.decode()
    assert "150,000.00" in page and "30,000.00" in page and "<svg" in page
    assert BonusScheme.objects.count() == 1  # nothing saved but the job


def test_an_invalid_preview_is_a_form_error_and_starts_no_job(cast: Cast) -> None:
    world = bonus_world(cast)
    url = f"/incentives/cycles/{world.cycle.pk}/what-if/"
    page = cast.client("hr").post(url, {**TERMS, "good": "-1", "preview": "1"})
    assert page.status_code == 200 and "invalid-feedback" in page.content.decode()
    assert not Job.objects.filter(kind=WHATIF_KIND).exists()


def test_a_whatif_job_is_read_by_its_starter_alone(cast: Cast) -> None:
    world = bonus_world(cast)
    url = f"/incentives/cycles/{world.cycle.pk}/what-if/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        cast.client("hr").post(url, {**TERMS, "preview": "1"})
    job = Job.objects.get(kind=WHATIF_KIND)
    assert_scoped(cast, f"{url}?job={job.pk}", expect({"hr"}))
    assert cast.client("hr").get(f"{url}?job=x").status_code == 404
    answers = assert_scoped(cast, f"/api/v1/what-if-jobs/{job.pk}/", expect({"hr"}, anonymous=401))
    assert answers["hr"].json()["result"]["delta"] == "30000.00"


def test_api_whatif_answers_a_job_then_its_result(cast: Cast) -> None:
    world = bonus_world(cast)
    client = cast.client("hr")
    body = {"cycle": world.cycle.pk, "good": "1.5", "limit": 1}
    with TestCase.captureOnCommitCallbacks(execute=False):
        started = client.post(
            f"/api/v1/bonus-schemes/{world.scheme.pk}/what-if/",
            body,
            content_type="application/json",
        )
    assert started.status_code == 202
    answer = started.json()
    assert answer["status"] == "pending" and answer["result"] is None
    assert answer["url"] == f"/api/v1/what-if-jobs/{answer['job']}/"
    assert client.get(answer["url"]).json()["result"] is None  # not run yet
    whatif_compute(answer["job"])
    done = client.get(answer["url"]).json()
    assert done["status"] == "done" and done["done"] == done["total"]
    result = done["result"]
    # the employee: 100,000 x (1.5 - 1.2); the others do not change
    assert result["delta"] == "30000.00" and result["changed"] == 1
    assert [c["name"] for c in result["changes"]] == [cast.employee.name]
    assert {b["key"] for b in result["by_grade"]} >= {"good", "excellent"}
    assert BonusScheme.objects.count() == 1


def test_the_job_result_is_what_the_comparison_gives(cast: Cast) -> None:
    from incentives import whatif
    from incentives.whatif_jobs import whatif_summary

    world = bonus_world(cast)
    params: dict[str, Any] = {
        "cycle_id": world.cycle.pk,
        "scheme_id": world.scheme.pk,
        "terms": {"good": "1.5", "unit_factor": False},
        "pools": {cast.site.path: "60000.00"},
        "limit": 10,
    }
    summary = whatif_summary(params)
    again = whatif.Summary.from_json(summary.as_json())
    assert again == summary
    direct = whatif.compare(
        world.cycle,
        world.scheme,
        whatif.proposal(world.scheme, {"good": D("1.5"), "unit_factor": False}),
        {cast.site.path: D("60000.00")},
    )
    assert (summary.current, summary.proposed) == (direct.current, direct.proposed)
    assert summary.changed == len(direct.changed)
