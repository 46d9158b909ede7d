"""In a real browser: the department head signs the responsibility letter, the issuer
countersigns, and the scorecard shows locked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from scorecard.models import ScorecardStatus
from scorecard.services.letters import letter_issue
from tests.conftest import Cast
from tests.factories import make_manager
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.browser


def test_head_signs_issuer_countersigns_and_the_scorecard_is_locked(
    signed_in: Callable[[Any], Any], cast: Cast
) -> None:
    issuer = make_manager(cast.hq, name="Head of HQ", user__username="hq_head")
    scorecard = unit_scorecard(cast.engineering)
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    assert letter.issuer == issuer

    head = signed_in(cast.manager.user)
    head.on("dialog", lambda dialog: dialog.accept())  # "Sign this letter?"
    head.goto(f"/scorecards/letters/{letter.pk}/")
    expect(head.get_by_role("heading", level=1)).to_contain_text("Letter version 1")
    head.get_by_role("button", name="Sign the letter").click()
    expect(head.locator("#letter-status")).to_have_text("Awaiting the issuer's countersignature")
    expect(head.get_by_role("button", name="Sign the letter")).to_have_count(0)

    countersigner = signed_in(issuer.user)
    countersigner.on("dialog", lambda dialog: dialog.accept())
    countersigner.goto(f"/scorecards/letters/{letter.pk}/")
    countersigner.get_by_role("button", name="Countersign the letter").click()
    expect(countersigner.locator("#letter-status")).to_have_text("Signed")
    expect(countersigner.locator("#scorecard-locked")).to_be_visible()

    countersigner.goto(f"/scorecards/{scorecard.pk}/letters/")
    expect(countersigner.locator("#scorecard-status")).to_have_text("Signed (locked)")
    scorecard.refresh_from_db()
    assert scorecard.status == ScorecardStatus.SIGNED
