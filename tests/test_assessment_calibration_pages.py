"""The calibration page ranks and checks the forced distribution in the database, a page
at a time: its counts, quota, excess and the excellents proposed for downgrade equal what
the pure rule (``rules.check_distribution``) says of the whole group, and its query count
does not grow with the group."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessment import selectors, tallies
from assessment.models import GRADE_ORDER_VALUES, AssessmentResult
from assessment.rules import Ranked, check_distribution
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_assessment import YEAR, annual_cycle
from tests.factories_scorecard import ScorecardFactory

pytestmark = pytest.mark.django_db
D = Decimal


def graded(cast: Cast, n: int) -> Any:
    """``n`` people more, an open cycle, every result scored: most excellent, ties in the
    final score broken by the quantitative part, then by id."""
    for _ in range(n):
        person = EmployeeFactory(unit=cast.engineering, line_manager=cast.manager)
        ScorecardFactory(unit=cast.engineering, employee=person, year=YEAR)
    cycle = annual_cycle(cast)
    for i, result in enumerate(AssessmentResult.objects.filter(cycle=cycle).order_by("pk")):
        AssessmentResult.objects.filter(pk=result.pk).update(
            final_score=D(90 + i % 3),
            quantitative_part=None if i % 4 == 0 else D(i % 5),
            grade="excellent" if i % 5 else "good",
            calibrated_grade="good" if i == 3 else "",
        )
    tallies.refresh(cycle.pk)  # an update() skips the writers that keep the tallies
    return cycle


def test_the_paged_check_says_what_the_rule_says_of_the_whole_group(cast: Cast) -> None:
    cycle = graded(cast, 12)
    rows = list(AssessmentResult.objects.filter(cycle=cycle))
    expected = check_distribution(
        [Ranked(r.pk, r.final_score, r.quantitative_part or D(0), r.effective_grade) for r in rows],
        cycle.rules,
    )
    assert expected.over_by > 0
    check, page = selectors.calibration(cast.hr.user, cycle, None, 1)
    assert (check.counts, check.allowed_excellent, check.over_by) == (
        expected.counts,
        expected.allowed_excellent,
        expected.over_by,
    )
    ranked, downgrades = [], []
    number = 1
    while True:
        check, page = selectors.calibration(cast.hr.user, cycle, None, number)
        ranked += [r.pk for r in page]
        downgrades += check.proposed_downgrades
        if not page.has_next():
            break
        number += 1
    assert ranked == [r.result_id for r in expected.ranking]
    assert downgrades == expected.proposed_downgrades


@pytest.mark.parametrize("size", [3, 60])
def test_the_calibration_page_costs_the_same_queries_at_two_sizes(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    cycle = graded(cast, size)
    client = cast.client("hr")
    url = reverse("assessment-calibration", args=[cycle.pk])
    client.get(url)  # warm up
    # session, user, scope; cycle; grades; count; page; first over the quota; the
    # menu; the inbox's unread count
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_dashboard_and_distribution_count_the_effective_grades_in_one_pass(cast: Cast) -> None:
    cycle = graded(cast, 7)
    expected = dict.fromkeys(GRADE_ORDER_VALUES, 0)
    for r in AssessmentResult.objects.filter(cycle=cycle):
        expected[r.effective_grade] += 1
    assert expected["good"] and expected["excellent"]  # calibrated_grade counts too
    assert selectors.cycle_dashboard(cast.hr.user, cycle).grades == expected
    table, totals = selectors.distribution_by_unit(cast.hr.user, cycle, cast.group)
    assert totals == expected
    assert sum(sum(row["counts"]) for row in table) == sum(expected.values())
