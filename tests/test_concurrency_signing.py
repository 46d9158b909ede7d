"""Full tier (PostgreSQL): a countersignature racing an edit of the goals it signs.

Issue 8, finding 1: the letter was signed and the scorecard locked while the stored target
no longer matched the letter. Each run starts two threads at a barrier — the issuer
countersigns, the unit head changes the target — and afterwards the state must be one of
the two honest outcomes: the letter is signed and the stored goals are exactly the
letter's, or the letter is still awaiting the countersignature because the goals changed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import close_old_connections, connection

from scorecard.models import LetterStatus, ResponsibilityLetter, ScorecardItem, ScorecardStatus
from scorecard.services.items import item_update
from scorecard.services.letters import letter_countersign, letter_issue, letter_sign
from scorecard.services.letters_snapshot import goal_rows, goals_fingerprint
from tests.access import build_cast
from tests.conftest import need
from tests.factories import make_manager
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.services

RUNS = 15


def race(*actions: Callable[[], Any]) -> list[BaseException | Any]:
    """Run ``actions`` in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(actions))
    results: list[BaseException | Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = action()
        except BaseException as exc:  # reported to the test
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_a_countersignature_never_locks_goals_other_than_the_letters(
    transactional_db: Any,
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL for row locks")
    cast = build_cast()
    hq_head = make_manager(cast.hq, name="Head of HQ", user__username="hq_head")
    outcomes = {"signed": 0, "refused": 0}
    for run in range(RUNS):
        scorecard = unit_scorecard(cast.engineering, year=2000 + run)
        letter = letter_issue(actor=cast.hr.user, scorecard=scorecard)
        letter_sign(actor=cast.manager.user, letter=letter)
        item = ScorecardItem.objects.filter(scorecard=scorecard, kind="quantitative").first()
        assert item is not None
        new_target = (item.target or Decimal(0)) + 50

        results = race(
            partial(letter_countersign, actor=hq_head.user, letter=letter),
            partial(
                item_update,
                actor=cast.hr.user,  # the head signs; their unit's goals are edited from above
                item=item,
                expected_version=item.version,
                target=new_target,
            ),
        )
        letter.refresh_from_db()
        scorecard.refresh_from_db()
        stored = goals_fingerprint(goal_rows(scorecard))
        if letter.status == LetterStatus.SIGNED:
            assert scorecard.status == ScorecardStatus.SIGNED
            assert stored == letter.snapshot["fingerprint"], (run, results)
            outcomes["signed"] += 1
        else:
            assert letter.status == LetterStatus.AWAITING_ISSUER, (run, results)
            assert scorecard.status == ScorecardStatus.SIGNING
            assert stored != letter.snapshot["fingerprint"]
            outcomes["refused"] += 1
        assert ResponsibilityLetter.objects.filter(scorecard=scorecard).count() == 1
    assert sum(outcomes.values()) == RUNS
