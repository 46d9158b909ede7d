"""The re-sweep an entry or an import starts runs after the write is committed, and its
failure never changes the writer's answer: the value is stored, so the answer says so.

(An import once answered 409 "changed by someone else, nothing was written" for a value it
had stored: its ``except IntegrityError`` around its transaction caught the unique-key
error of the re-sweep that ran, in-process, when that transaction committed.)
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.db import IntegrityError

from scorecard.models import ItemKind, MonthlyActual, ScorecardStatus
from tests.access import build_cast
from tests.factories_tracking import unit_scorecard


def _resweep_fails(*args: Any, **kwargs: Any) -> Any:
    raise IntegrityError('duplicate key value violates unique constraint "one_tally"')


@pytest.fixture
def failing_resweep(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every re-sweep fails; the calls it got."""
    calls: list[Any] = []

    def fails(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        _resweep_fails()

    monkeypatch.setattr("lightup.tasks.lightup_sweep", fails)
    return calls


def _item() -> tuple[Any, Any]:
    cast = build_cast()
    card = unit_scorecard(cast.engineering, status=ScorecardStatus.SIGNED)
    return cast, card.items.filter(kind=ItemKind.QUANTITATIVE).get()


def test_a_failed_resweep_after_an_import_leaves_the_import_reported_as_written(
    transactional_db: Any, failing_resweep: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    cast, item = _item()
    upload = io.BytesIO(f"item_id,year,month,value\n{item.pk},{item.scorecard.year},1,7\n".encode())
    upload.name = "a.csv"
    with caplog.at_level(logging.ERROR):
        response = cast.client("manager").post("/api/v1/actual-imports/", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert MonthlyActual.objects.get(item=item, month=1).value == 7
    assert len(failing_resweep) == 1  # the re-sweep ran, after the commit, and failed…
    assert "one_tally" in caplog.text  # … and its error is logged, not lost


def test_a_failed_resweep_after_an_entry_leaves_the_entry_created(
    transactional_db: Any, failing_resweep: list[Any]
) -> None:
    cast, item = _item()
    body = {"item": item.pk, "month": 1, "value": "7"}
    response = cast.client("manager").post(
        "/api/v1/actuals/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert MonthlyActual.objects.filter(item=item, month=1).count() == 1
    assert len(failing_resweep) == 1
