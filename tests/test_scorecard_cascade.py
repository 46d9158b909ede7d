"""Decomposition: splitting by amounts or percentages, carrying ratios down, copying
milestones and monthly plans, bulk assignment to many people in one action."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from scorecard.models import (
    Aggregation,
    ItemMonthlyPlan,
    Milestone,
    Polarity,
    Scorecard,
    ScorecardItem,
)
from scorecard.services.bulk_assign import item_bulk_assign
from scorecard.services.cascade import Allocation, SplitMode, item_cascade
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_scorecard import (
    ItemFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    MonthlyPlanFactory,
    ObjectiveFactory,
    PlanFactory,
    ScorecardFactory,
    lock,
    unit_with_people,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


D = Decimal


@pytest.fixture
def parent(cast: Cast) -> ScorecardItem:
    plan = PlanFactory(owner_unit=cast.group)
    card = ScorecardFactory(unit=cast.hq, plan=plan)
    return ItemFactory(
        scorecard=card,
        objective=ObjectiveFactory(plan=plan),
        floor=D(700),
        baseline=D(800),
        target=D(1000),
        challenge=D(1200),
        last_year=D(900),
        benchmark=D(1100),
    )


def test_split_by_percentages_adds_up_exactly_and_scales_every_tier(
    cast: Cast, parent: ScorecardItem
) -> None:
    MonthlyPlanFactory(item=parent, month=1, value=D(100))
    result = item_cascade(
        actor=cast.executive.user,
        parent=parent,
        mode=SplitMode.PERCENTAGES,
        allocations=[
            Allocation(unit=cast.engineering, share=D("33.33")),
            Allocation(unit=cast.finance, share=D("66.67"), weight=D(25)),
        ],
    )
    eng, fin = result.items
    assert (eng.target, fin.target) == (D("333.3000"), D("666.7000"))
    assert eng.target + fin.target == parent.target
    assert eng.baseline + fin.baseline == parent.baseline  # type: ignore[operator]
    assert (eng.floor, eng.challenge, eng.last_year, eng.benchmark) == (
        D("233.3100"),
        D("399.9600"),
        D("299.9700"),
        None,
    )
    assert (eng.weight, fin.weight) == (parent.weight, D(25))
    assert (eng.parent, eng.objective, eng.scorecard.plan) == (
        parent,
        parent.objective,
        parent.scorecard.plan,
    )
    assert result.scorecards_created == 2
    assert ItemMonthlyPlan.objects.get(item=eng).value == D("33.3300")


def test_percentages_must_add_up_to_100(cast: Cast, parent: ScorecardItem) -> None:
    with pytest.raises(ValidationError, match="not 100"):
        item_cascade(
            actor=cast.executive.user,
            parent=parent,
            mode=SplitMode.PERCENTAGES,
            allocations=[
                Allocation(unit=cast.engineering, share=D(50)),
                Allocation(unit=cast.finance, share=D(40)),
            ],
        )
    assert not ScorecardItem.objects.filter(parent=parent).exists()
    assert not Scorecard.objects.filter(unit=cast.engineering).exists()


def test_split_by_amounts_warns_when_they_do_not_add_up(cast: Cast, parent: ScorecardItem) -> None:
    result = item_cascade(
        actor=cast.executive.user,
        parent=parent,
        mode=SplitMode.AMOUNTS,
        allocations=[
            Allocation(unit=cast.engineering, share=D(600)),
            Allocation(unit=cast.finance, share=D(300)),
        ],
    )
    eng = result.items[0]
    assert (eng.target, eng.baseline, eng.challenge) == (D(600), D(480), D(720))
    assert result.warnings and "900" in result.warnings[0] and "1000" in result.warnings[0]
    assert "100 is still to be given out" in result.warnings[0]


def test_a_ratio_is_carried_down_unchanged_and_cannot_be_split(cast: Cast) -> None:
    ratio = ItemFactory(
        scorecard=ScorecardFactory(unit=cast.hq),
        aggregation=Aggregation.LAST,
        polarity=Polarity.LOWER,
        baseline=D(66),
        target=D("64.5"),
        challenge=D(63),
    )
    with pytest.raises(ValidationError):
        item_cascade(
            actor=cast.hr.user,
            parent=ratio,
            mode=SplitMode.PERCENTAGES,
            allocations=[Allocation(unit=cast.finance, share=D(100))],
        )
    (child,) = item_cascade(
        actor=cast.hr.user,
        parent=ratio,
        mode=SplitMode.SAME,
        allocations=[Allocation(unit=cast.finance)],
    ).items
    assert (child.baseline, child.target, child.challenge, child.polarity) == (
        D(66),
        D("64.5"),
        D(63),
        Polarity.LOWER,
    )


def test_a_milestone_item_carries_its_milestones_down(cast: Cast) -> None:
    item = MilestoneItemFactory(scorecard=ScorecardFactory(unit=cast.hq))
    MilestoneFactory(
        item=item,
        name="Main equipment bidding",
        responsible_unit=cast.engineering,
        counterpart_unit=cast.site,
    )
    (child,) = item_cascade(
        actor=cast.hr.user,
        parent=item,
        mode=SplitMode.SAME,
        allocations=[Allocation(employee=cast.employee)],
    ).items
    copy = Milestone.objects.get(item=child)
    assert (copy.name, copy.responsible_unit, copy.counterpart_unit) == (
        "Main equipment bidding",
        cast.engineering,
        cast.site,
    )
    assert child.scorecard.employee == cast.employee


def test_receivers_must_be_under_the_parent_and_in_scope(cast: Cast, parent: ScorecardItem) -> None:
    eng_item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering))
    with pytest.raises(ValidationError, match="not under"):
        item_cascade(
            actor=cast.hr.user,
            parent=eng_item,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.finance)],
        )
    with pytest.raises(ValidationError, match="not under"):
        item_cascade(
            actor=cast.hr.user,
            parent=eng_item,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.engineering)],
        )
    with pytest.raises(Http404):
        item_cascade(
            actor=cast.manager.user,
            parent=parent,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.engineering)],
        )
    with pytest.raises(ValidationError, match="twice"):
        item_cascade(
            actor=cast.hr.user,
            parent=parent,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.site), Allocation(unit=cast.site)],
        )


def test_a_receiver_gets_one_child_per_parent_and_no_goal_on_a_signed_scorecard(
    cast: Cast, parent: ScorecardItem
) -> None:
    item_cascade(
        actor=cast.hr.user,
        parent=parent,
        mode=SplitMode.SAME,
        allocations=[Allocation(unit=cast.site)],
    )
    with pytest.raises(ValidationError, match="already has"):
        item_cascade(
            actor=cast.hr.user,
            parent=parent,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.site)],
        )
    lock(ScorecardFactory(unit=cast.finance))
    with pytest.raises(ValidationError, match="signed"):
        item_cascade(
            actor=cast.hr.user,
            parent=parent,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.finance)],
        )


def test_an_employees_item_is_not_decomposed_further(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering, employee=cast.employee))
    with pytest.raises(ValidationError, match="employee"):
        item_cascade(
            actor=cast.hr.user,
            parent=item,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.site)],
        )


# --- Bulk assignment ---------------------------------------------------------------------


# The bulk assignment writes every table in one INSERT per table, whatever the number of
# people. SQLite caps a statement at 999 parameters, so Django splits a bulk insert of more
# rows than 999 / (columns) into batches: 37 rows for the historical items (27 columns). The
# sizes stay inside one batch on every backend, so the counts compare the same statements.
# (Past that size the count grows by one INSERT per batch on SQLite, not by one per person.)
SMALL, BIG = 3, 30


def test_one_goal_to_thirty_people_is_one_action_with_a_constant_number_of_queries(
    cast: Cast,
) -> None:
    from django.apps import apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from org.scoping import scope_of

    written = ("Scorecard", "ScorecardItem", "ItemMonthlyPlan", "Milestone")
    for name in written + tuple(f"Historical{n}" for n in written):
        fields = apps.get_model("scorecard", name)._meta.concrete_fields
        assert connection.ops.bulk_batch_size(fields, [None] * BIG) >= BIG, name

    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering))
    MonthlyPlanFactory(item=item, month=3, value=D(40))
    MilestoneFactory(item=MilestoneItemFactory(scorecard=item.scorecard))
    small = unit_with_people(cast.engineering, SMALL, "Welder")
    big = unit_with_people(cast.engineering, BIG, "Welder")
    EmployeeFactory.create_batch(2, unit=big, job_title="Planner")

    def assign(unit: Any) -> Any:
        return item_bulk_assign(actor=cast.manager.user, parent=item, unit=unit, job_title="Welder")

    scope_of(cast.manager.user)  # the scope is cached on the user after its first use
    with CaptureQueriesContext(connection) as few:
        assign(small)
    with CaptureQueriesContext(connection) as many:
        result = assign(big)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert (result.created, result.scorecards_created, result.already) == (BIG, BIG, 0)
    children = ScorecardItem.objects.filter(parent=item)
    assert children.count() == SMALL + BIG
    assert set(children.values_list("target", flat=True)) == {item.target}
    assert ItemMonthlyPlan.objects.filter(item__parent=item).count() == SMALL + BIG
    assert children.first().history.first().history_user == cast.manager.user  # type: ignore[union-attr]


def test_bulk_assignment_skips_people_who_have_the_goal_or_a_signed_scorecard(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering))
    first = item_bulk_assign(actor=cast.manager.user, parent=item, unit=cast.engineering)
    # The employee and the site worker (sub-unit included); never the manager's own.
    assert (first.created, first.scorecards_created) == (2, 2)
    lock(Scorecard.objects.get(employee=cast.site_worker))
    newcomer = EmployeeFactory(unit=cast.site)
    lock(ScorecardFactory(unit=cast.site, employee=newcomer))
    again = item_bulk_assign(actor=cast.manager.user, parent=item, unit=cast.engineering)
    assert (again.created, again.already, again.locked) == (0, 2, 1)
    only_here = item_bulk_assign(
        actor=cast.manager.user,
        parent=item,
        unit=cast.engineering,
        include_subunits=False,
        job_title="Nobody",
    )
    assert only_here.created == 0


def test_bulk_assignment_reaches_only_people_in_the_actors_scope(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.hq))
    site_head = EmployeeFactory(unit=cast.site)
    from org.models import RoleAssignment

    RoleAssignment.objects.create(
        user=site_head.user, role=RoleAssignment.Role.MANAGER, unit=cast.site
    )
    with pytest.raises(Http404):
        item_bulk_assign(actor=site_head.user, parent=item, unit=cast.engineering)
    result = item_bulk_assign(
        actor=cast.manager.user,
        parent=ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering)),
        unit=cast.engineering,
    )
    assert not Scorecard.objects.filter(employee=cast.finance_clerk).exists()
    assert result.created == 3  # employee, site worker, site head (not the manager's own)


# --- Pages ---------------------------------------------------------------------------------


def test_the_cascade_page_splits_to_the_chosen_receivers(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering), target=D(500))
    client = cast.client("manager")
    url = reverse("scorecard-item-cascade", args=[item.pk])
    page = client.get(url)
    keys = {r.key for r in page.context["form"].receivers}
    # Not the manager: nobody sets their own goals.
    assert keys == {f"u{cast.site.pk}", f"e{cast.employee.pk}"}
    response = client.post(
        url,
        {
            "mode": "amounts",
            f"pick_u{cast.site.pk}": "on",
            f"share_u{cast.site.pk}": "300",
            f"pick_e{cast.employee.pk}": "on",
            f"share_e{cast.employee.pk}": "200",
            f"weight_e{cast.employee.pk}": "40",
        },
    )
    assert response.status_code == 302
    children = {
        c.scorecard.owner_name: (c.target, c.weight)
        for c in ScorecardItem.objects.filter(parent=item)
    }
    assert children == {"Site team": (D(300), item.weight), cast.employee.name: (D(200), D(40))}


def test_the_cascade_page_keeps_the_input_and_names_the_missing_share(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering))
    response = cast.client("manager").post(
        reverse("scorecard-item-cascade", args=[item.pk]),
        {
            "mode": "percentages",
            f"pick_u{cast.site.pk}": "on",
            f"pick_e{cast.employee.pk}": "on",
            f"share_e{cast.employee.pk}": "40",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert f"share_u{cast.site.pk}" in form.errors
    assert 'value="40"' in response.content.decode()
    assert not ScorecardItem.objects.filter(parent=item).exists()


def test_the_assign_page_previews_then_assigns(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering))
    client = cast.client("manager")
    url = reverse("scorecard-item-assign", args=[item.pk])
    preview = client.post(
        url,
        {
            "unit": cast.engineering.pk,
            "include_subunits": "on",
            "job_title": "Engineer",
            "preview": "1",
        },
    )
    assert preview.context["preview"]["count"] == 2
    response = client.post(
        url, {"unit": cast.engineering.pk, "include_subunits": "on", "job_title": "Engineer"}
    )
    assert response.status_code == 302
    assert ScorecardItem.objects.filter(parent=item).count() == 2


def test_milestone_dates_survive_the_cascade(cast: Cast) -> None:
    item = MilestoneItemFactory(scorecard=ScorecardFactory(unit=cast.engineering))
    MilestoneFactory(item=item, due_date=datetime.date(2026, 9, 30))
    item_bulk_assign(
        actor=cast.manager.user, parent=item, unit=cast.engineering, job_title="Engineer"
    )
    assert set(Milestone.objects.filter(item__parent=item).values_list("due_date", flat=True)) == {
        datetime.date(2026, 9, 30)
    }
