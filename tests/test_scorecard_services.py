"""Scorecard and item services: scope, validation, the lock and stale edits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from scorecard.models import ItemKind, ItemMonthlyPlan, Polarity, ScorecardItem, ScorecardLocked
from scorecard.services import milestones as milestone_services
from scorecard.services.items import (
    StaleItem,
    item_create,
    item_delete,
    item_set_monthly_plan,
    item_update,
)
from scorecard.services.scorecards import scorecard_create
from tests.conftest import Cast
from tests.factories_scorecard import (
    ItemFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    ObjectiveFactory,
    PlanFactory,
    ScorecardFactory,
    lock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


D = Decimal


def test_a_manager_creates_scorecards_in_their_subtree_only(cast: Cast) -> None:
    card = scorecard_create(actor=cast.manager.user, unit=cast.site, year=2026)
    assert card.unit == cast.site and card.employee is None
    mine = scorecard_create(actor=cast.manager.user, employee=cast.employee, year=2026)
    assert mine.unit == cast.engineering
    with pytest.raises(Http404):
        scorecard_create(actor=cast.manager.user, unit=cast.finance, year=2026)
    with pytest.raises(Http404):
        scorecard_create(actor=cast.employee.user, employee=cast.employee, year=2027)


def test_one_scorecard_per_unit_and_year(cast: Cast) -> None:
    scorecard_create(actor=cast.hr.user, unit=cast.site, year=2026)
    with pytest.raises(ValidationError):
        scorecard_create(actor=cast.hr.user, unit=cast.site, year=2026)


def test_a_scorecard_takes_the_approved_plan_covering_its_year(cast: Cast) -> None:
    plan = PlanFactory(owner_unit=cast.group)
    card = scorecard_create(actor=cast.hr.user, unit=cast.site, year=2027)
    assert card.plan == plan
    assert scorecard_create(actor=cast.hr.user, unit=cast.site, year=2031).plan is None


def test_an_item_takes_its_indicators_polarity_and_unit(cast: Cast) -> None:
    from tests.factories_scorecard import IndicatorFactory

    indicator = IndicatorFactory(
        owner_unit=cast.group, polarity=Polarity.LOWER, unit_of_measure="%"
    )
    card = ScorecardFactory(unit=cast.site)
    item = item_create(
        actor=cast.manager.user,
        scorecard=card,
        kind=ItemKind.QUANTITATIVE,
        name="Cost overrun",
        indicator=indicator,
        weight=D(20),
        baseline=D(8),
        target=D(5),
        challenge=D(3),
    )
    assert (item.polarity, item.unit_of_measure, item.version) == (Polarity.LOWER, "%", 1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target": None}, "target"),
        ({"baseline": D(600)}, "target"),
        ({"floor": D(100), "baseline": None}, "floor"),
        ({"polarity": Polarity.RANGE, "range_low": D(5), "range_high": D(1)}, "range_low"),
    ],
)
def test_tiers_are_validated(cast: Cast, fields: dict[str, object], field: str) -> None:
    card = ScorecardFactory(unit=cast.site)
    values = {"weight": D(40), "baseline": D(400), "target": D(500), "challenge": D(600), **fields}
    with pytest.raises(ValidationError) as info:
        item_create(
            actor=cast.manager.user, scorecard=card, kind=ItemKind.QUANTITATIVE, name="X", **values
        )
    assert field in info.value.message_dict


def test_key_tasks_carry_no_weight_and_no_targets(cast: Cast) -> None:
    card = ScorecardFactory(unit=cast.site)
    with pytest.raises(ValidationError) as info:
        item_create(
            actor=cast.manager.user,
            scorecard=card,
            kind=ItemKind.KEY_TASK,
            name="Audit",
            weight=D(10),
            target=D(1),
        )
    assert {"weight", "target"} <= set(info.value.message_dict)


def test_an_objective_must_belong_to_the_scorecards_plan(cast: Cast) -> None:
    plan = PlanFactory(owner_unit=cast.group)
    other = ObjectiveFactory(plan=PlanFactory(owner_unit=cast.group, name="Old plan"))
    card = ScorecardFactory(unit=cast.site, plan=plan)
    with pytest.raises(ValidationError) as info:
        item_create(
            actor=cast.manager.user,
            scorecard=card,
            kind=ItemKind.KEY_TASK,
            name="Audit",
            objective=other,
        )
    assert "objective" in info.value.message_dict


def test_an_edit_based_on_an_old_version_is_refused_and_changes_nothing(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    item_update(actor=cast.manager.user, item=item, expected_version=1, target=D(520))
    with pytest.raises(StaleItem) as info:
        item_update(actor=cast.hr.user, item=item, expected_version=1, target=D(480))
    assert "changed by someone else since you opened it" in str(info.value)
    assert info.value.current is not None and info.value.current.target == D(520)
    item.refresh_from_db()
    assert (item.target, item.version) == (D(520), 2)
    item_update(actor=cast.hr.user, item=item, expected_version=2, target=D(480))
    item.refresh_from_db()
    assert (item.target, item.version) == (D(480), 3)


def test_edits_are_audited_with_who_and_before_and_after(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    item_update(actor=cast.manager.user, item=item, expected_version=1, target=D(520))
    last, before = item.history.all()[:2]
    assert last.history_user == cast.manager.user
    assert (before.target, last.target) == (D(500), D(520))


def test_a_locked_scorecard_refuses_every_change(cast: Cast) -> None:
    card = ScorecardFactory(unit=cast.site)
    item = ItemFactory(scorecard=card)
    ms = MilestoneFactory(item=MilestoneItemFactory(scorecard=card))
    lock(card)
    with pytest.raises(ScorecardLocked):
        item_update(actor=cast.manager.user, item=item, expected_version=1, target=D(1))
    with pytest.raises(ScorecardLocked):
        item_create(actor=cast.manager.user, scorecard=card, kind=ItemKind.KEY_TASK, name="X")
    with pytest.raises(ScorecardLocked):
        item_delete(actor=cast.manager.user, item=item, expected_version=1)
    with pytest.raises(ScorecardLocked):
        item_set_monthly_plan(
            actor=cast.manager.user, item=item, expected_version=1, values={1: D(1)}
        )
    with pytest.raises(ScorecardLocked):
        milestone_services.milestone_update(actor=cast.manager.user, milestone=ms, name="Renamed")
    item.refresh_from_db()
    assert (item.target, item.version) == (D(500), 1)
    # Recording progress is not changing a goal.
    milestone_services.milestone_complete(
        actor=cast.manager.user, milestone=ms, completed_on=datetime.date(2026, 6, 1)
    )


def test_out_of_scope_items_are_not_found(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.finance))
    for who in (cast.manager, cast.employee):
        with pytest.raises(Http404):
            item_update(actor=who.user, item=item, expected_version=1, target=D(1))
    mine = ItemFactory(scorecard=ScorecardFactory(unit=cast.engineering, employee=cast.employee))
    with pytest.raises(Http404):
        item_update(actor=cast.employee.user, item=mine, expected_version=1, target=D(1))


def test_a_monthly_plan_is_set_cleared_and_bumps_the_version(cast: Cast) -> None:
    item = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    item_set_monthly_plan(
        actor=cast.manager.user, item=item, expected_version=1, values={1: D(40), 2: D(45)}
    )
    item_set_monthly_plan(
        actor=cast.manager.user, item=item, expected_version=2, values={1: None, 2: D(50)}
    )
    assert dict(ItemMonthlyPlan.objects.filter(item=item).values_list("month", "value")) == {
        2: D(50)
    }
    with pytest.raises(StaleItem):
        item_set_monthly_plan(
            actor=cast.manager.user, item=item, expected_version=2, values={3: D(1)}
        )


def test_an_item_with_children_cannot_be_removed(cast: Cast) -> None:
    parent = ItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    ItemFactory(
        scorecard=ScorecardFactory(unit=cast.site, employee=cast.site_worker), parent=parent
    )
    with pytest.raises(ValidationError, match="decomposed"):
        item_delete(actor=cast.manager.user, item=parent, expected_version=1)
    lone = ItemFactory(scorecard=parent.scorecard)
    item_delete(actor=cast.manager.user, item=lone, expected_version=1)
    assert not ScorecardItem.objects.filter(pk=lone.pk).exists()


def test_milestones_name_visible_units_and_weights_all_or_none(cast: Cast) -> None:
    item = MilestoneItemFactory(scorecard=ScorecardFactory(unit=cast.site))
    due = datetime.date(2026, 5, 1)
    milestone_services.milestone_create(
        actor=cast.manager.user,
        item=item,
        name="Bidding",
        due_date=due,
        responsible_unit=cast.engineering,
        counterpart_unit=cast.site,
        weight=D(1),
    )
    with pytest.raises(ValidationError, match="weight"):
        milestone_services.milestone_create(
            actor=cast.manager.user,
            item=item,
            name="Start",
            due_date=due,
            responsible_unit=cast.site,
        )
    with pytest.raises(ValidationError):
        milestone_services.milestone_create(
            actor=cast.manager.user,
            item=item,
            name="Start",
            due_date=due,
            responsible_unit=cast.finance,
            weight=D(1),
        )
    with pytest.raises(ValidationError, match="year"):
        milestone_services.milestone_create(
            actor=cast.manager.user,
            item=item,
            name="Late",
            due_date=datetime.date(2027, 1, 5),
            responsible_unit=cast.site,
            weight=D(1),
        )


def test_the_responsible_unit_records_completion_of_a_hand_over(cast: Cast) -> None:
    from tests.factories import make_manager

    item = MilestoneItemFactory(scorecard=ScorecardFactory(unit=cast.hq))
    ms = MilestoneFactory(
        item=item, responsible_unit=cast.engineering, counterpart_unit=cast.finance
    )
    done = datetime.date(2026, 6, 2)
    milestone_services.milestone_complete(actor=cast.manager.user, milestone=ms, completed_on=done)
    ms.refresh_from_db()
    assert ms.completed_on == done
    with pytest.raises(Http404):
        milestone_services.milestone_complete(
            actor=cast.sibling_manager.user, milestone=ms, completed_on=None
        )
    with pytest.raises(Http404):
        milestone_services.milestone_update(actor=cast.manager.user, milestone=ms, name="Renamed")
    site_head = make_manager(cast.site)
    with pytest.raises(Http404):
        milestone_services.milestone_complete(actor=site_head.user, milestone=ms, completed_on=None)
