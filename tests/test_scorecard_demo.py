"""The scorecard demo: SASAC indicators on the group scorecard, the cascade down to Li
Xiaoming, every item linked to an objective, weights of 100, and a second run changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from org.demo import DemoOrg, seed_org
from scorecard.demo import scorecards as demo
from scorecard.demo.scorecards_data import demo_period
from scorecard.models import ItemKind, Milestone, Scorecard, ScorecardItem
from scorecard.selectors.lines import my_targets
from strategy import demo as strategy_demo
from tests.access import fresh, module_rows

pytestmark = pytest.mark.django_db
# The app's clock for these tests: the demo year is 2026, with actuals up to October.
TODAY = datetime.date(2026, 11, 15)
SASAC = {
    "Total profit",
    "Asset-liability ratio",
    "Return on equity",
    "R&D investment intensity",
    "Full-staff labour productivity",
    "Operating cash ratio",
}


def _seed() -> DemoOrg:
    org = seed_org()
    strategy_demo.seed(org)
    demo.seed(org)
    return org


@pytest.fixture(scope="module")
def org_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoOrg]:
    """The demo is seeded once for the module (every test here reads it)."""
    with override_settings(SPM_TODAY=TODAY):
        yield from module_rows(django_db_blocker, _seed)


@pytest.fixture
def org(org_rows: DemoOrg, db: Any) -> DemoOrg:
    return fresh(org_rows)


def _weights(card: Scorecard) -> Decimal:
    return sum(
        card.items.exclude(kind=ItemKind.KEY_TASK).values_list("weight", flat=True), Decimal(0)
    )


def test_the_group_scorecard_carries_one_profit_five_ratios_and_the_project(org: DemoOrg) -> None:
    group = Scorecard.objects.get(unit=org.units["ZNE"], employee=None, year=2026)
    names = set(group.items.values_list("name", flat=True))
    assert names >= SASAC
    project = group.items.get(kind=ItemKind.MILESTONE)
    assert list(project.milestones.order_by("due_date").values_list("name", flat=True)) == [
        "Main equipment bidding",
        "Main construction start",
        "Grid connection",
    ]
    assert group.items.filter(kind=ItemKind.KEY_TASK).count() == 2
    assert _weights(group) == 100
    roe = group.items.get(name="Return on equity").indicator
    assert roe.formula_is_expression and roe.formula == "TOTAL_PROFIT / AVG_EQUITY * 100"


def test_every_demo_scorecard_weighs_100_and_every_item_serves_an_objective(org: DemoOrg) -> None:
    cards = Scorecard.objects.filter(year=2026)
    assert cards.filter(employee__isnull=False).count() >= 6
    for card in cards:
        assert _weights(card) == 100, card
    assert not ScorecardItem.objects.filter(scorecard__in=cards, objective__isnull=True).exists()


def test_the_profit_is_split_across_the_companies_and_adds_up(org: DemoOrg) -> None:
    profit = ScorecardItem.objects.get(scorecard__unit=org.units["ZNE"], name="Total profit")
    children = profit.children.all()
    assert {c.scorecard.unit.code for c in children} == {"WS", "TP", "HP"}
    assert sum(c.target for c in children) == profit.target  # type: ignore[misc]


def test_li_xiaoming_sees_his_targets_with_their_line_up_to_the_company_objective(
    org: DemoOrg,
) -> None:
    li = org.logins["employee"]
    targets = my_targets(li.user, 2026, today=TODAY)
    rows = {r.item.name: r for r in targets.rows}
    capacity = rows["New-energy capacity in operation"]
    assert capacity.item.target == Decimal(150)
    assert [s.owner for s in capacity.line.steps] == [
        "Engineering & Construction",
        "Zhongneng Energy Group",
    ]
    assert capacity.line.company_objective.code == "P4"  # type: ignore[union-attr]
    assert set(rows) >= {
        "Qinghai 500 MW wind-solar project",
        "Project cost overrun",
        "Safety culture campaign",
    }


def test_the_manager_leads_a_team_with_scorecards_and_hand_overs(org: DemoOrg) -> None:
    ec = org.units["HQ-EC"]
    team = Scorecard.objects.filter(unit=ec, employee__isnull=False, year=2026)
    assert team.count() == 6
    assert not team.filter(employee=org.logins["manager"]).exists()
    bidding = Milestone.objects.get(
        item__scorecard__unit=org.units["ZNE"], name="Main equipment bidding"
    )
    assert (bidding.responsible_unit.code, bidding.counterpart_unit.code) == ("HQ-EC", "WS-QH")  # type: ignore[union-attr]
    assert bidding.completed_on == datetime.date(2026, 3, 28)
    late = Milestone.objects.get(
        item__scorecard__unit=org.units["ZNE"], name="Main construction start"
    )
    assert (late.completed_on - late.due_date).days == 20  # type: ignore[operator]


def test_a_second_run_changes_nothing(org: DemoOrg) -> None:
    before = (Scorecard.objects.count(), ScorecardItem.objects.count(), Milestone.objects.count())
    summary = demo.seed(org)
    assert "0 new this run" in summary
    assert (
        Scorecard.objects.count(),
        ScorecardItem.objects.count(),
        Milestone.objects.count(),
    ) == before


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (datetime.date(2027, 1, 10), (2026, 12)),
        (datetime.date(2027, 7, 1), (2027, 6)),
        (datetime.date(2027, 12, 31), (2027, 11)),
    ],
)
def test_the_demo_year_is_the_year_of_last_month(
    today: datetime.date, period: tuple[int, int]
) -> None:
    assert demo_period(today) == period
