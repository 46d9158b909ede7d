"""Approving a unit's month in one action, with the stale check on every row (issue 9,
finding 9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from scorecard.models import ActualStatus, MonthlyActual, Scorecard
from scorecard.services.actuals_bulk import actuals_approve_many
from tests.conftest import Cast
from tests.factories_scorecard import ItemFactory, ScorecardFactory
from tests.factories_tracking import ActualFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _submitted(cast: Cast, n: int, month: int = 1) -> list[MonthlyActual]:
    card = Scorecard.objects.filter(
        unit=cast.site, year=2026, employee=None
    ).first() or ScorecardFactory.create(unit=cast.site, year=2026)
    return [
        ActualFactory.create(
            item=ItemFactory.create(scorecard=card, name=f"Item {i}"),
            month=month,
            value=D(10 + i),
            status=ActualStatus.SUBMITTED,
            entered_by=cast.site_worker.user,
        )
        for i in range(n)
    ]


def test_each_row_is_approved_unless_it_changed_since_it_was_seen(cast: Cast, clock: Any) -> None:
    clock.on(clock.today().replace(year=2026, month=2, day=10))
    fresh, moved, other = _submitted(cast, 3)
    MonthlyActual.objects.filter(pk=moved.pk).update(version=moved.version + 1)
    result = actuals_approve_many(
        actor=cast.manager.user,
        rows=[(fresh.pk, fresh.version), (moved.pk, moved.version), (other.pk, other.version)],
    )
    assert (result.approved, result.stale, result.refused) == ([fresh.pk, other.pk], [moved.pk], [])
    statuses = dict(MonthlyActual.objects.values_list("pk", "status"))
    assert statuses == {
        fresh.pk: ActualStatus.APPROVED,
        moved.pk: ActualStatus.SUBMITTED,
        other.pk: ActualStatus.APPROVED,
    }
    approved = MonthlyActual.objects.get(pk=fresh.pk)
    assert approved.history.latest().history_user == cast.manager.user


def test_rows_outside_the_scope_or_of_ones_own_are_refused(cast: Cast, clock: Any) -> None:
    clock.on(clock.today().replace(year=2026, month=2, day=10))
    (row,) = _submitted(cast, 1)
    result = actuals_approve_many(actor=cast.sibling_manager.user, rows=[(row.pk, row.version)])
    assert result.refused == [row.pk] and not result.approved
    own = ActualFactory.create(
        item=ItemFactory.create(
            scorecard=ScorecardFactory.create(unit=cast.engineering, year=2026)
        ),
        status=ActualStatus.SUBMITTED,
        entered_by=cast.manager.user,
    )
    result = actuals_approve_many(actor=cast.manager.user, rows=[(own.pk, own.version)])
    assert result.refused == [own.pk]


def test_the_approvals_page_filters_a_units_month_and_approves_the_ticked_rows(
    cast: Cast, clock: Any
) -> None:
    clock.on(clock.today().replace(year=2026, month=3, day=10))
    january = _submitted(cast, 2, month=1)
    february = ActualFactory.create(
        item=january[0].item,
        month=2,
        status=ActualStatus.SUBMITTED,
        entered_by=cast.site_worker.user,
    )
    client = cast.client("manager")
    page = client.get(reverse("actual-approvals"), {"unit": cast.site.pk, "month": 1})
    assert {a.pk for a in page.context["page"].object_list} == {a.pk for a in january}
    response = client.post(
        reverse("actual-approve-many"),
        {"row": [f"{a.pk}:{a.version}" for a in january], "next": "/scorecards/actuals/approvals/"},
        follow=True,
    )
    assert "2 values approved." in response.content.decode()
    assert MonthlyActual.objects.get(pk=february.pk).status == ActualStatus.SUBMITTED
    assert all(MonthlyActual.objects.get(pk=a.pk).status == ActualStatus.APPROVED for a in january)
    (still_submitted,) = _submitted(cast, 1, month=3)
    row = {"row": f"{still_submitted.pk}:{still_submitted.version}"}
    anonymous = cast.client("anonymous").post(reverse("actual-approve-many"), row)
    assert anonymous["Location"].startswith(reverse("login"))
    cast.client("employee").post(reverse("actual-approve-many"), row)
    assert MonthlyActual.objects.get(pk=still_submitted.pk).status == ActualStatus.SUBMITTED


def test_approving_n_rows_resweeps_each_month_touched_once_not_once_per_row(
    cast: Cast, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from unittest import mock

    from scorecard.signals import actuals_changed

    clock.on(clock.today().replace(year=2026, month=3, day=10))
    january = _submitted(cast, 4, month=1)
    february = _submitted(cast, 3, month=2)
    rows = [(a.pk, a.version) for a in [*january, *february]]
    heard: list[tuple[int, int, list[int]]] = []

    def listen(sender: Any, *, year: int, month: int, item_ids: list[int], **kw: Any) -> None:
        heard.append((year, month, item_ids))

    actuals_changed.connect(listen, dispatch_uid="test.batch")
    try:
        with (
            mock.patch("lightup.tasks.lightup_sweep_month.delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            result = actuals_approve_many(actor=cast.manager.user, rows=rows)
    finally:
        actuals_changed.disconnect(dispatch_uid="test.batch")
    assert len(result.approved) == 7
    assert heard == [
        (2026, 1, sorted(a.item_id for a in january)),
        (2026, 2, sorted(a.item_id for a in february)),
    ]
    assert [c.args for c in delay.call_args_list] == [
        (2026, 1, [cast.site.pk]),
        (2026, 2, [cast.site.pk]),
    ]


def test_a_batch_whose_rows_are_all_refused_announces_nothing(cast: Cast, clock: Any) -> None:
    from unittest import mock

    clock.on(clock.today().replace(year=2026, month=2, day=10))
    (row,) = _submitted(cast, 1)
    with mock.patch("scorecard.services.actuals.actuals_changed.send") as send:
        actuals_approve_many(actor=cast.sibling_manager.user, rows=[(row.pk, row.version)])
    send.assert_not_called()
