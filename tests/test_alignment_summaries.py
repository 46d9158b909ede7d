"""The alignment flags kept by the writes (``scorecard.summaries``) always equal the answer
recomputed from the items, after every kind of write that changes an input, and the
alignment view's problem counts read them."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from scorecard import summaries
from scorecard.models import ItemKind, Scorecard, ScorecardItem
from scorecard.rules import scoring
from scorecard.services.bulk_assign import item_bulk_assign
from scorecard.services.cascade import Allocation, SplitMode, item_cascade
from scorecard.services.items import item_create, item_delete, item_update
from tests.factories import EmployeeFactory
from tests.factories_scorecard import ItemFactory, ScorecardFactory
from tests.scorecard_world import World, build_world

pytestmark = pytest.mark.django_db
D = Decimal
TOLERANCE = D("0.00005")


@pytest.fixture
def world(cast: Any) -> World:
    return build_world(cast)


def recomputed() -> tuple[set[int], set[int]]:
    """Cards whose weights are off and parents whose children do not add up, from the rows
    themselves (plain Python, the rule of DESIGN §2 step 4)."""
    weights: dict[int, list[Decimal]] = defaultdict(list)
    children: dict[int, list[Decimal | None]] = defaultdict(list)
    items = list(ScorecardItem.objects.values())
    for row in items:
        if row["kind"] != ItemKind.KEY_TASK:
            weights[row["scorecard_id"]].append(row["weight"])
        if row["parent_id"] is not None:
            children[row["parent_id"]].append(row["target"])
    cards = {
        pk
        for pk in Scorecard.objects.values_list("pk", flat=True)
        if not weights[pk] or abs(sum(weights[pk]) - 100) > TOLERANCE
    }
    parents = set()
    for row in items:
        targets = [t for t in children.get(row["id"], []) if t is not None]
        if row["kind"] != ItemKind.QUANTITATIVE or row["target"] is None or not targets:
            continue
        target = row["target"]
        if row["aggregation"] == scoring.SUM:
            off = abs(sum(targets) - target) > TOLERANCE
        elif row["polarity"] == scoring.HIGHER:
            off = min(targets) < target - TOLERANCE
        else:
            off = row["polarity"] == scoring.LOWER and max(targets) > target + TOLERANCE
        if off:
            parents.add(row["id"])
    return cards, parents


def stored() -> tuple[set[int], set[int]]:
    return (
        set(Scorecard.objects.filter(weights_off=True).values_list("pk", flat=True)),
        set(ScorecardItem.objects.filter(children_off=True).values_list("pk", flat=True)),
    )


def assert_kept() -> None:
    assert stored() == recomputed()


def test_flags_equal_the_recomputed_answer_after_each_kind_of_write(world: World) -> None:
    cast = world.cast
    actor = cast.executive.user
    hq_item = world.items["hq"]
    assert_kept()
    assert hq_item.pk not in stored()[1]  # 600 + 400 = 1000

    # Create: a new goal on HQ's card puts its weights off; its child puts HQ's sum off.
    extra = item_create(
        actor=actor, scorecard=world.cards["hq"], kind=ItemKind.QUANTITATIVE, name="Cash",
        weight=D(10), target=D(50),
    )  # fmt: skip
    assert world.cards["hq"].pk in stored()[0]
    assert_kept()

    # Edit: the weight back to a total of 100; a target that no longer adds up.
    extra = item_update(actor=actor, item=extra, expected_version=extra.version, weight=D(0))
    hq_item = item_update(
        actor=actor, item=hq_item, expected_version=hq_item.version, target=D(1200),
        challenge=D(1300),
    )  # fmt: skip
    assert hq_item.pk in stored()[1]
    assert_kept()

    # Cascade: a split of the new goal to Finance (its child), then the card's whole state.
    result = item_cascade(
        actor=actor, parent=extra, mode=SplitMode.AMOUNTS,
        allocations=[Allocation(unit=cast.finance, share=D(20))],
    )  # fmt: skip
    assert extra.pk in stored()[1]  # 20 of 50
    assert_kept()

    # Bulk assignment (no signals): new people's cards and the parent.
    for _ in range(3):
        EmployeeFactory(unit=cast.finance, job_title="Welder")
    finance_item = world.items["finance"]
    item_bulk_assign(actor=actor, parent=finance_item, unit=cast.finance, job_title="Welder")
    assert finance_item.pk in stored()[1]
    assert_kept()

    # Delete: the cascaded child goes, its parent has no children left.
    (child,) = result.items
    item_delete(actor=actor, item=child, expected_version=child.version)
    assert extra.pk not in stored()[1]
    assert_kept()

    # Delete by cascade: a whole card with its items, children of HQ's goal among them.
    person = EmployeeFactory(unit=cast.finance)
    card = ScorecardFactory(unit=cast.finance, employee=person, plan=world.plan)
    ItemFactory(scorecard=card, parent=hq_item, target=D(200), weight=D(100))
    assert hq_item.pk not in stored()[1]  # 600 + 400 + 200 = 1200
    card.delete()
    assert hq_item.pk in stored()[1]
    assert_kept()


def test_a_new_empty_scorecard_is_off_until_its_weights_reach_100(world: World) -> None:
    person = EmployeeFactory(unit=world.cast.finance)
    card = ScorecardFactory(unit=world.cast.finance, employee=person, plan=world.plan)
    assert card.pk in stored()[0]
    ItemFactory(scorecard=card, weight=D(100))
    assert card.pk not in stored()[0]
    assert_kept()


def test_refresh_all_repairs_flags_written_around_the_signals(world: World) -> None:
    """The generator's bulk load writes no flags: its last step recomputes them all."""
    expected = recomputed()
    Scorecard.objects.update(weights_off=False)
    ScorecardItem.objects.update(children_off=True)
    summaries.refresh_all()
    assert stored() == expected


def test_refresh_within_repairs_the_flags_of_a_subtree_and_leaves_the_rest(
    world: World,
) -> None:
    """The generator recomputes the flags of the group it loaded, not of the whole database."""
    cards, parents = recomputed()
    assert cards and parents  # the world has flags of both kinds to repair
    Scorecard.objects.update(weights_off=False)
    ScorecardItem.objects.update(children_off=True)
    site = world.cast.site
    summaries.refresh_within(site.path)
    inside_cards = set(
        Scorecard.objects.filter(unit__path__startswith=site.path).values_list("pk", flat=True)
    )
    inside_items = set(
        ScorecardItem.objects.filter(scorecard__unit__path__startswith=site.path).values_list(
            "pk", flat=True
        )
    )
    assert inside_cards and inside_items
    flagged_cards, flagged_items = stored()
    assert flagged_cards == cards & inside_cards
    assert flagged_items & inside_items == parents & inside_items
    assert (
        flagged_items - inside_items
        == set(ScorecardItem.objects.values_list("pk", flat=True)) - inside_items
    )
    summaries.refresh_within(world.cast.group.path)
    assert stored() == (cards, parents)


def test_alignment_counts_are_the_recomputed_problems_of_the_subtree(world: World) -> None:
    cards, parents = recomputed()
    view = world.cast.client("hr").get(reverse("scorecard-alignment"), {"year": 2026})
    view = view.context["view"]
    assert view.weights.total == len(cards) and cards
    assert {c.pk for c in view.weights.rows} == cards
    assert view.sums.total == len(parents) and parents
    assert {i.pk for i in view.sums.rows} == parents
