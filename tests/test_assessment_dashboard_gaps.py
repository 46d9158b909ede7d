"""An open cycle's dashboard looks for the gaps to close (people without a scorecard,
items without actuals) in a window of units at a time — the units the reader sees under
the cycle's roots, in tree order — so a whole group's dashboard never runs the anti-join
of every item with the actuals. Walked window by window the gaps are exactly those of
the whole scope; the page says which units it looked in and links to the next ones; a
scope of few units is looked at whole, as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse

from assessment import selectors
from assessment.models import AssessmentCycle
from org.models import Employee
from scorecard.models import ItemKind, MonthlyActual, Scorecard, ScorecardItem
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_assessment import YEAR, annual_cycle, worked_example_scorecard
from tests.factories_scorecard import ItemFactory

pytestmark = pytest.mark.django_db


def world(cast: Cast) -> AssessmentCycle:
    """People with and without scorecards in every unit; items without actuals."""
    for unit in (cast.group, cast.hq, cast.engineering, cast.site, cast.finance):
        with_card = EmployeeFactory(unit=unit)
        EmployeeFactory(unit=unit)  # without a scorecard
        card = worked_example_scorecard(with_card).scorecard
        ItemFactory(scorecard=card, name=f"Unreported in {unit.code}")
    return annual_cycle(cast)


def whole(user: Any, cycle: AssessmentCycle) -> tuple[set[int], set[int]]:
    """The gaps as the dashboard found them before windows: over the whole scope."""
    people = (
        Employee.objects.restrict(user)
        .filter(active=True)
        .exclude(Exists(Scorecard.objects.filter(employee=OuterRef("pk"), year=YEAR)))
    )
    items = ScorecardItem.objects.filter(
        kind=ItemKind.QUANTITATIVE,
        scorecard_id__in=selectors.scored_results(user, cycle).values("scorecard_id"),
    ).exclude(Exists(MonthlyActual.objects.filter(item=OuterRef("pk"))))
    return set(people.values_list("pk", flat=True)), set(items.values_list("pk", flat=True))


@pytest.mark.parametrize("role", ["hr", "manager"])
def test_the_windows_together_find_the_gaps_of_the_whole_scope(
    cast: Cast, monkeypatch: Any, role: str
) -> None:
    cycle = world(cast)
    user = getattr(cast, role).user
    monkeypatch.setattr(selectors, "GAP_UNITS", 2)
    people: list[int] = []
    items: list[int] = []
    after, windows = "", 0
    while True:
        board = selectors.cycle_dashboard(user, cycle, sample=1000, gaps_after=after)
        assert board.without_scorecard_count == len(board.without_scorecard)
        assert board.missing_actuals_count == len(board.missing_actuals)
        people += [p.pk for p in board.without_scorecard]
        items += [i.pk for i in board.missing_actuals]
        windows += 1
        if not board.gaps_next:
            break
        after = board.gaps_next
    expected_people, expected_items = whole(user, cycle)
    assert expected_people and expected_items
    # each once, and all of them
    assert sorted(people) == sorted(expected_people)
    assert sorted(items) == sorted(expected_items)
    assert windows == -(-board.gap_units_total // 2)


def test_the_page_says_which_units_it_looked_in(cast: Cast, monkeypatch: Any) -> None:
    cycle = world(cast)
    client = cast.client("hr")
    url = reverse("assessment-cycle", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert 'id="gap-units"' not in page  # five units: looked at whole, nothing to say
    monkeypatch.setattr(selectors, "GAP_UNITS", 2)
    page = client.get(url).content.decode()
    assert "Gaps in 2 of your 5 units, from Group to Headquarters" in page
    assert "?gaps=" in page and "Back to the first units" not in page
    board = selectors.cycle_dashboard(cast.hr.user, cycle)
    last = client.get(url, {"gaps": board.gaps_next}).content.decode()
    assert "Back to the first units" in last
