"""Responsibility letters: issue, both signatures, the lock, amendments and their versions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from scorecard.models import LetterStatus, ScorecardLocked, ScorecardStatus
from scorecard.services.letters import (
    letter_acknowledge,
    letter_countersign,
    letter_issue,
    letter_sign,
    scorecard_amend,
)
from tests.conftest import Cast
from tests.factories import make_manager
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


@pytest.fixture
def hq_head(cast: Cast):  # type: ignore[no-untyped-def]
    """The head of Headquarters: issuer of Engineering's letter."""
    return make_manager(cast.hq, name="Head of HQ", user__username="hq_head")


def _signed(cast: Cast, hq_head, scorecard):  # type: ignore[no-untyped-def]
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    letter_sign(actor=letter.signer.user, letter=letter)
    return letter_countersign(actor=letter.issuer.user, letter=letter)


def test_unit_letter_is_signed_by_the_head_and_countersigned_by_the_head_above(
    cast: Cast, hq_head
) -> None:
    scorecard = unit_scorecard(cast.engineering)
    letter = letter_issue(actor=cast.hr.user, scorecard=scorecard)
    assert (letter.version, letter.status) == (1, LetterStatus.AWAITING_HEAD)
    assert letter.signer == cast.manager and letter.issuer == hq_head
    scorecard.refresh_from_db()
    assert scorecard.status == ScorecardStatus.SIGNING

    letter = letter_sign(actor=cast.manager.user, letter=letter)
    assert letter.status == LetterStatus.AWAITING_ISSUER and letter.signed_by_head_at
    letter = letter_countersign(actor=hq_head.user, letter=letter)
    assert letter.status == LetterStatus.SIGNED and letter.countersigned_at
    scorecard.refresh_from_db()
    assert scorecard.status == ScorecardStatus.SIGNED and scorecard.locked


def test_an_executive_issues_when_there_is_no_head_above(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.engineering)
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    assert letter.issuer == cast.executive


def test_employee_letter_is_signed_by_the_employee_and_acknowledged(cast: Cast) -> None:
    scorecard = employee_scorecard(cast.employee)
    letter = letter_issue(actor=cast.manager.user, scorecard=scorecard)
    assert letter.signer == cast.employee and letter.issuer == cast.manager
    with pytest.raises(PermissionDenied):
        letter_sign(actor=cast.manager.user, letter=letter)
    letter_sign(actor=cast.employee.user, letter=letter)
    with pytest.raises(PermissionDenied):
        letter_countersign(actor=cast.employee.user, letter=letter)
    letter = letter_countersign(actor=cast.manager.user, letter=letter)
    assert letter.acknowledged_at is None
    with pytest.raises(PermissionDenied):
        letter_acknowledge(actor=cast.manager.user, letter=letter)
    letter = letter_acknowledge(actor=cast.employee.user, letter=letter)
    assert letter.acknowledged_at is not None


def test_signatures_come_in_order(cast: Cast, hq_head) -> None:
    letter = letter_issue(actor=cast.hr.user, scorecard=unit_scorecard(cast.engineering))
    with pytest.raises(ValidationError):
        letter_countersign(actor=hq_head.user, letter=letter)
    letter_sign(actor=cast.manager.user, letter=letter)
    with pytest.raises(ValidationError):
        letter_sign(actor=cast.manager.user, letter=letter)


def test_the_unit_head_does_not_issue_their_own_letter(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    with pytest.raises(PermissionDenied):
        letter_issue(actor=cast.manager.user, scorecard=scorecard)
    with pytest.raises(Http404):
        letter_issue(actor=cast.sibling_manager.user, scorecard=scorecard)
    with pytest.raises(Http404):
        letter_issue(actor=cast.employee.user, scorecard=scorecard)


def test_a_letter_needs_weights_summing_to_100(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.engineering)
    item = scorecard.items.filter(kind="quantitative").get()
    item.weight = Decimal("50")
    item.save()
    with pytest.raises(ValidationError, match="not 100"):
        letter_issue(actor=cast.executive.user, scorecard=scorecard)


def test_an_edit_after_issue_voids_the_signatures(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    item = scorecard.items.filter(kind="quantitative").get()
    item.target = Decimal("999")
    item.save()
    with pytest.raises(ValidationError, match="changed after this letter"):
        letter_sign(actor=cast.manager.user, letter=letter)


def test_a_signed_scorecard_refuses_changes_until_amended(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    _signed(cast, hq_head, scorecard)
    item = scorecard.items.filter(kind="quantitative").get()
    item.target = Decimal("999")
    with pytest.raises(ScorecardLocked):
        item.save()
    with pytest.raises(ValidationError, match="amend it first"):
        letter_issue(actor=cast.executive.user, scorecard=scorecard)


def test_an_amendment_makes_a_new_version_that_needs_both_signatures(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    first = _signed(cast, hq_head, scorecard)
    with pytest.raises(PermissionDenied):
        scorecard_amend(actor=cast.manager.user, scorecard=scorecard, reason="More capacity")
    with pytest.raises(ValidationError):
        scorecard_amend(actor=cast.executive.user, scorecard=scorecard, reason=" ")
    scorecard = scorecard_amend(actor=cast.executive.user, scorecard=scorecard, reason="New plant")
    assert scorecard.status == ScorecardStatus.DRAFT
    item = scorecard.items.filter(kind="quantitative").get()
    item.target = Decimal("550")
    item.save()
    with pytest.raises(ValidationError, match="reason"):
        letter_issue(actor=cast.executive.user, scorecard=scorecard)
    second = letter_issue(actor=cast.executive.user, scorecard=scorecard, reason="New plant")
    assert second.version == 2
    first.refresh_from_db()
    assert first.status == LetterStatus.SIGNED  # still in force until v2 is countersigned
    letter_sign(actor=cast.manager.user, letter=second)
    letter_countersign(actor=hq_head.user, letter=second)
    first.refresh_from_db()
    scorecard.refresh_from_db()
    assert first.status == LetterStatus.SUPERSEDED
    assert scorecard.status == ScorecardStatus.SIGNED
    # Each version keeps what was signed.
    targets = [
        [i["target"] for i in letter.snapshot["items"] if i["kind"] == "quantitative"]
        for letter in (first, second)
    ]
    assert targets == [["500.0000"], ["550.0000"]]
    assert scorecard.history.filter(history_change_reason="New plant").exists()


def test_reissuing_supersedes_a_pending_letter(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    first = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    second = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    first.refresh_from_db()
    assert (first.status, second.version) == (LetterStatus.SUPERSEDED, 2)


def test_superseding_a_letter_is_audited_with_who_and_why(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    first = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    letter_issue(actor=cast.hr.user, scorecard=scorecard)
    latest = first.history.order_by("-history_id").first()
    assert latest is not None
    assert (latest.status, latest.history_type) == (LetterStatus.SUPERSEDED, "~")
    assert latest.history_user == cast.hr.user
    assert latest.history_change_reason == "superseded by a new version"


def test_the_letters_weight_total_is_exact(cast: Cast, hq_head) -> None:
    scorecard = unit_scorecard(cast.engineering)
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    weights = [Decimal(i["weight"]) for i in letter.snapshot["items"] if i["kind"] != "key_task"]
    assert letter.snapshot["total_weight"] == "100.00" == f"{sum(weights, Decimal(0)):.2f}"
