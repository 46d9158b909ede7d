"""Full tier (PostgreSQL): reviews, ratings and self-assessments of results in one unit,
each in its own transaction at the same moment, leave the unit's kept tally equal to a
fresh count (each refresh waits for the unit's lock, then counts what the others
committed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from assessment.models import AssessmentResult, ResultTally
from assessment.services import inputs
from tests.access import build_cast
from tests.conftest import need
from tests.factories import EmployeeFactory
from tests.factories_assessment import annual_cycle, compute_now, worked_example_scorecard
from tests.test_assessment_tallies import assert_fresh
from tests.test_concurrency_signing import race

pytestmark = pytest.mark.services

PEOPLE = 6


def test_concurrent_reviews_ratings_and_self_assessments_keep_the_tally(
    transactional_db: Any,
) -> None:
    need(connection.vendor == "postgresql", "PostgreSQL for concurrent transactions")
    cast = build_cast()
    people = [
        EmployeeFactory(unit=cast.engineering, line_manager=cast.manager) for _ in range(PEOPLE)
    ]
    for person in people:
        worked_example_scorecard(person)
    cycle = annual_cycle(cast)
    compute_now(cycle)
    results = list(AssessmentResult.objects.filter(cycle=cycle, employee__in=people))

    def review(result: AssessmentResult) -> Any:
        stored = AssessmentResult.objects.get(pk=result.pk)
        return inputs.result_review_done(
            actor=cast.manager.user, result=stored, version=stored.version
        )

    def rate(result: AssessmentResult) -> Any:
        return inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=Decimal(90))

    outcomes = race(
        *[lambda r=r: review(r) for r in results[: PEOPLE // 2]],
        *[lambda r=r: rate(r) for r in results[PEOPLE // 2 :]],
    )
    for outcome in outcomes:
        assert not isinstance(outcome, BaseException), outcome
    assert_fresh(cycle)
    tally = ResultTally.objects.get(cycle=cycle, unit=cast.engineering)
    assert (tally.reviewed, tally.rated) == (PEOPLE // 2, PEOPLE - PEOPLE // 2)
