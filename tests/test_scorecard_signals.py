"""Every change of actuals tells later apps which item-months changed (``actuals_changed``):
an entry, an approval, a rejection, an import — and nothing when nothing changed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from scorecard.models import ItemKind, ScorecardStatus
from scorecard.services.actuals import actual_approve, actual_record, actual_reject
from scorecard.services.actuals_import import actuals_import
from scorecard.signals import actuals_changed
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent() -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        calls.append({k: kwargs[k] for k in ("year", "month", "item_ids")})

    actuals_changed.connect(receiver, dispatch_uid="test-signals")
    yield calls
    actuals_changed.disconnect(dispatch_uid="test-signals")


def test_entering_approving_and_rejecting_announce_the_item_month(
    cast: Cast, sent: list[dict[str, Any]]
) -> None:
    card = unit_scorecard(cast.engineering, quantitative=1, status=ScorecardStatus.SIGNED)
    item = card.items.get(kind=ItemKind.QUANTITATIVE)
    one = {"year": card.year, "month": 2, "item_ids": [item.pk]}
    actual = actual_record(actor=cast.hr.user, item=item, month=2, value=5)
    assert sent == [one]
    actual_record(actor=cast.hr.user, item=item, month=2, value=5, expected_version=1)  # silent
    assert sent == [one]
    actual = actual_approve(actor=cast.manager.user, actual=actual, expected_version=1)
    actual = actual_record(actor=cast.hr.user, item=item, month=2, value=6, expected_version=2)
    actual_reject(
        actor=cast.manager.user, actual=actual, reason="Meter misread", expected_version=3
    )
    assert sent == [one] * 4


def test_an_import_announces_each_month_once_and_a_bad_file_nothing(
    cast: Cast, sent: list[dict[str, Any]]
) -> None:
    card = unit_scorecard(cast.engineering, quantitative=2, status=ScorecardStatus.SIGNED)
    a, b = card.items.filter(kind=ItemKind.QUANTITATIVE).order_by("pk")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["item_id", "year", "month", "value", "note"])
    writer.writerows(
        [[a.pk, card.year, 1, 1, ""], [b.pk, card.year, 1, 2, ""], [a.pk, card.year, 2, 3, ""]]
    )
    upload = io.BytesIO(text.getvalue().encode())
    assert actuals_import(actor=cast.manager.user, upload=upload, name="a.csv").ok
    assert sent == [
        {"year": card.year, "month": 1, "item_ids": sorted([a.pk, b.pk])},
        {"year": card.year, "month": 2, "item_ids": [a.pk]},
    ]
    bad = io.BytesIO(f"item_id,year,month,value,note\n{a.pk},{card.year},3,abc,\n".encode())
    assert not actuals_import(actor=cast.manager.user, upload=bad, name="b.csv").ok
    assert len(sent) == 2
