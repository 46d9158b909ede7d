"""Monthly actuals through the services: who enters and approves, periods, stale edits, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from scorecard.models import ActualStatus, ClosedPeriod, ItemKind, ScorecardStatus
from scorecard.selectors.actuals import actual_changes
from scorecard.services.actuals import (
    StaleActual,
    actual_approve,
    actual_record,
    actual_reject,
    period_close,
    period_reopen,
)
from tests.conftest import Cast
from tests.factories_scorecard import ItemFactory
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


def _item(cast: Cast, **kwargs):  # type: ignore[no-untyped-def]
    scorecard = unit_scorecard(cast.engineering, **kwargs)
    return scorecard.items.get(kind=ItemKind.QUANTITATIVE)


def test_the_unit_head_records_an_actual_with_note_and_evidence(cast: Cast) -> None:
    item = _item(cast)
    evidence = SimpleUploadedFile("meter.pdf", b"%PDF-1.4 reading", content_type="application/pdf")
    actual = actual_record(
        actor=cast.manager.user, item=item, month=3, value="41.5", note="Meter", evidence=evidence
    )
    assert actual.value == Decimal("41.5") and actual.version == 1
    assert actual.entered_by == cast.manager.user and actual.evidence.name.endswith(".pdf")
    assert actual.history.get().history_user == cast.manager.user


def test_an_employee_enters_the_actuals_of_their_own_scorecard_only(cast: Cast) -> None:
    own = employee_scorecard(cast.employee).items.get()
    actual_record(actor=cast.employee.user, item=own, month=2, value=7)
    unit_item = _item(cast, status=ScorecardStatus.SIGNED)
    with pytest.raises(PermissionDenied):
        actual_record(actor=cast.employee.user, item=unit_item, month=2, value=7)
    with pytest.raises(Http404):
        actual_record(actor=cast.sibling_manager.user, item=own, month=2, value=7)


def test_actuals_are_tracked_on_a_signed_scorecard_but_not_in_a_closed_month(cast: Cast) -> None:
    item = _item(cast, status=ScorecardStatus.SIGNED)
    actual_record(actor=cast.manager.user, item=item, month=1, value=10)
    period_close(actor=cast.hr.user, year=2026, month=2)
    with pytest.raises(ValidationError, match="closed"):
        actual_record(actor=cast.manager.user, item=item, month=2, value=10)
    period_reopen(actor=cast.hr.user, year=2026, month=2)
    actual_record(actor=cast.manager.user, item=item, month=2, value=10)


def test_only_hr_closes_a_period(cast: Cast) -> None:
    for role in ("manager", "executive", "employee"):
        with pytest.raises(PermissionDenied):
            period_close(actor=cast.member(role).user, year=2026, month=1)
    period = period_close(actor=cast.hr.user, year=2026, month=1)
    assert period_close(actor=cast.hr.user, year=2026, month=1) == period
    assert ClosedPeriod.objects.count() == 1


def test_a_month_that_has_not_started_takes_no_actual(cast: Cast) -> None:
    item = _item(cast, year=2099)
    with pytest.raises(ValidationError, match="not started"):
        actual_record(actor=cast.manager.user, item=item, month=1, value=1)


def test_milestone_items_have_no_monthly_actuals(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.engineering)
    with pytest.raises(ValidationError, match="quantitative"):
        actual_record(
            actor=cast.manager.user,
            item=scorecard.items.get(kind=ItemKind.MILESTONE),
            month=1,
            value=1,
        )


def test_not_a_number_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="not a number"):
        actual_record(actor=cast.manager.user, item=_item(cast), month=1, value="lots")


def test_a_stale_edit_is_refused_not_written_over(cast: Cast) -> None:
    item = _item(cast)
    first = actual_record(actor=cast.manager.user, item=item, month=4, value=10, expected_version=0)
    # Two editors load version 1; the manager saves first.
    actual_record(actor=cast.manager.user, item=item, month=4, value=12, expected_version=1)
    with pytest.raises(StaleActual) as refused:
        actual_record(actor=cast.hr.user, item=item, month=4, value=11, expected_version=1)
    assert refused.value.current.value == Decimal("12")
    first.refresh_from_db()
    assert (first.value, first.version) == (Decimal("12"), 2)


def test_two_first_entries_of_the_same_month_do_not_both_win(cast: Cast) -> None:
    item = _item(cast)
    actual_record(actor=cast.manager.user, item=item, month=5, value=1, expected_version=0)
    with pytest.raises(StaleActual):
        actual_record(actor=cast.hr.user, item=item, month=5, value=2, expected_version=0)


def test_the_head_approves_what_someone_else_entered(cast: Cast) -> None:
    item = _item(cast)
    actual = actual_record(actor=cast.hr.user, item=item, month=1, value=10)
    with pytest.raises(PermissionDenied):
        actual_approve(actor=cast.hr.user, actual=actual, expected_version=1)
    with pytest.raises(Http404):
        actual_approve(actor=cast.sibling_manager.user, actual=actual, expected_version=1)
    actual = actual_approve(actor=cast.manager.user, actual=actual, expected_version=1)
    assert actual.status == ActualStatus.APPROVED and actual.approved_by == cast.manager.user
    # A corrected value needs approving again.
    actual = actual_record(actor=cast.hr.user, item=item, month=1, value=11, expected_version=2)
    assert actual.status == ActualStatus.SUBMITTED and actual.approved_by is None


def test_an_employee_cannot_approve_their_own_actual(cast: Cast) -> None:
    item = employee_scorecard(cast.employee).items.get()
    actual = actual_record(actor=cast.employee.user, item=item, month=1, value=3)
    with pytest.raises(PermissionDenied):
        actual_approve(actor=cast.employee.user, actual=actual, expected_version=1)
    actual_reject(actor=cast.manager.user, actual=actual, reason="Wrong meter", expected_version=1)
    actual.refresh_from_db()
    assert actual.status == ActualStatus.REJECTED


def test_every_change_is_audited_with_before_and_after(cast: Cast) -> None:
    item = _item(cast)
    actual_record(actor=cast.manager.user, item=item, month=6, value=10)
    actual_record(
        actor=cast.hr.user, item=item, month=6, value=12, note="Corrected", expected_version=1
    )
    changes = actual_changes(item)
    assert [c.who for c in changes] == ["hr", "manager"]
    latest = {f: (b, a) for f, b, a in changes[0].fields}
    assert latest["actual value"] == ("10", "12")
    assert latest["note"] == ("", "Corrected")


def test_an_unchanged_entry_writes_no_history(cast: Cast) -> None:
    item = ItemFactory(scorecard=unit_scorecard(cast.finance, milestone=False, quantitative=0))
    actual_record(actor=cast.sibling_manager.user, item=item, month=1, value=5)
    actual_record(actor=cast.sibling_manager.user, item=item, month=1, value=5, expected_version=1)
    assert item.actuals.get().history.count() == 1


def test_a_person_cannot_skip_the_version_of_an_existing_value(cast: Cast) -> None:
    item = _item(cast)
    actual = actual_record(actor=cast.hr.user, item=item, month=1, value=10)
    with pytest.raises(ValidationError) as refused:
        actual_record(actor=cast.manager.user, item=item, month=1, value=12)
    assert "version" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actual_approve(actor=cast.manager.user, actual=actual)
    actual.refresh_from_db()
    assert (actual.value, actual.status) == (10, ActualStatus.SUBMITTED)


def test_approval_follows_who_set_the_value_not_who_last_touched_the_row(cast: Cast) -> None:
    item = _item(cast)
    actual = actual_record(actor=cast.manager.user, item=item, month=1, value=10)
    actual = actual_record(
        actor=cast.hr.user, item=item, month=1, value=10, note="Meter 2", expected_version=1
    )
    assert actual.entered_by == cast.manager.user
    with pytest.raises(PermissionDenied):
        actual_approve(actor=cast.manager.user, actual=actual, expected_version=2)
