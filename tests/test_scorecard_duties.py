"""Separation of duties over goals (issue 8 finding 11, issue 7; DESIGN §1: "a manager's own
scorecard to the head of the parent unit"): the head of a unit sets none of its card's goals
— items, tiers, plans, milestones, the letter's issue — through any path, while signing the
letter as the unit head stays theirs; the head of the parent unit, HR and executives in
scope set them. One rule (``scorecard.rules.duties``), one query form of it
(``scorecard.selectors.duties``): offer lists and refusals agree."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from org.scoping import SYSTEM
from scorecard.models import ItemKind, Milestone, Scorecard, ScorecardItem
from scorecard.selectors.duties import is_own_card, own_cards_q
from scorecard.services import items as item_services
from scorecard.services import milestones as milestone_services
from scorecard.services.cascade import Allocation, SplitMode, item_cascade
from scorecard.services.letters import letter_issue, letter_sign, may_issue
from scorecard.services.scorecards import scorecard_create
from tests.access import MEMBERS
from tests.conftest import Cast
from tests.factories import EmployeeFactory, OrgUnitFactory, make_manager
from tests.factories_scorecard import (
    ItemFactory,
    MilestoneFactory,
    MilestoneItemFactory,
    ScorecardFactory,
)
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_query_form_picks_exactly_the_cards_the_rule_calls_ones_own(cast: Cast) -> None:
    for unit in (cast.group, cast.hq, cast.engineering, cast.site, cast.finance):
        ScorecardFactory(unit=unit)
    for person in (cast.employee, cast.manager, cast.sibling_manager, cast.hr, cast.site_worker):
        ScorecardFactory(unit=person.unit, employee=person)
    cards = list(Scorecard.objects.select_related("unit"))
    for role in MEMBERS:
        user = cast.member(role).user  # type: ignore[union-attr]
        by_rule = {c.pk for c in cards if is_own_card(user, c)}
        by_query = set(Scorecard.objects.filter(own_cards_q(user)).values_list("pk", flat=True))
        assert by_rule == by_query, role
    manager = cast.manager.user
    assert {(c.unit.code, c.employee_id) for c in cards if is_own_card(manager, c)} == {
        ("ENG", None),
        ("ENG", cast.manager.pk),
    }
    assert not Scorecard.objects.filter(own_cards_q(SYSTEM)).exists()


# --- Services ------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_the_unit_head_sets_no_goal_of_the_unit_card_through_any_service(cast: Cast) -> None:
    card = ScorecardFactory(unit=cast.engineering)
    item = ItemFactory(scorecard=card)
    milestone = MilestoneFactory(item=MilestoneItemFactory(scorecard=card))
    head = cast.manager.user
    refused = [
        lambda: item_services.item_create(
            actor=head, scorecard=card, kind=ItemKind.KEY_TASK, name="Mine"
        ),
        lambda: item_services.item_update(
            actor=head, item=item, expected_version=1, target=D("0.01")
        ),
        lambda: item_services.item_set_monthly_plan(
            actor=head, item=item, expected_version=1, values={1: D(1)}
        ),
        lambda: item_services.item_delete(actor=head, item=item, expected_version=1),
        lambda: milestone_services.milestone_create(
            actor=head,
            item=milestone.item,
            name="Mine",
            due_date=datetime.date(2026, 5, 1),
            responsible_unit=cast.engineering,
        ),
        lambda: milestone_services.milestone_update(actor=head, milestone=milestone, name="X"),
        lambda: milestone_services.milestone_complete(
            actor=head, milestone=milestone, completed_on=datetime.date(2026, 1, 5)
        ),
        lambda: milestone_services.milestone_delete(actor=head, milestone=milestone),
    ]
    for call in refused:
        with pytest.raises(PermissionDenied):
            call()
    item.refresh_from_db()
    milestone.refresh_from_db()
    assert (item.target, item.version, milestone.name, milestone.completed_on) == (
        D(500),
        1,
        milestone.name,
        None,
    )
    assert ScorecardItem.objects.filter(scorecard=card).count() == 2
    # Nor does the head open the card of the unit they head for the next year.
    with pytest.raises(PermissionDenied):
        scorecard_create(actor=head, unit=cast.engineering, year=2027)


def test_the_parent_units_head_hr_and_executives_set_the_unit_cards_goals(cast: Cast) -> None:
    card = ScorecardFactory(unit=cast.engineering)
    item = ItemFactory(scorecard=card)
    milestone = MilestoneFactory(item=MilestoneItemFactory(scorecard=card))
    parent_head = make_manager(cast.hq, name="Head of HQ")
    for version, who in enumerate((parent_head, cast.hr, cast.executive), start=1):
        item_services.item_update(
            actor=who.user, item=item, expected_version=version, target=D(500 + version)
        )
        milestone_services.milestone_update(actor=who.user, milestone=milestone, name=who.name)
    item.refresh_from_db()
    assert (item.target, item.version) == (D(503), 4)
    assert scorecard_create(actor=parent_head.user, unit=cast.engineering, year=2027)


def test_nobody_confirms_a_milestone_of_their_own_personal_card(cast: Cast) -> None:
    # A head of Site holding the manager role over Engineering too: their own card's
    # milestone is in their scope, yet not theirs to confirm.
    card = ScorecardFactory(unit=cast.engineering, employee=cast.employee)
    milestone = MilestoneFactory(
        item=MilestoneItemFactory(scorecard=card), responsible_unit=cast.engineering
    )
    from tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=cast.employee.user, role="manager", unit=cast.engineering)
    with pytest.raises(PermissionDenied):
        milestone_services.milestone_complete(
            actor=cast.employee.user, milestone=milestone, completed_on=datetime.date(2026, 2, 1)
        )
    milestone_services.milestone_complete(
        actor=cast.manager.user, milestone=milestone, completed_on=datetime.date(2026, 2, 1)
    )


def test_a_unit_head_with_executive_rights_may_not_issue_their_units_letter_but_signs_it(
    cast: Cast,
) -> None:
    cast.finance.head = cast.executive
    cast.finance.save(update_fields=["head"])
    card = unit_scorecard(cast.finance)
    assert not may_issue(cast.executive.user, card)
    with pytest.raises(PermissionDenied):
        letter_issue(actor=cast.executive.user, scorecard=card)
    make_manager(cast.hq, name="Head of HQ")  # the issuer one level up
    letter = letter_issue(actor=cast.hr.user, scorecard=card)
    signed = letter_sign(actor=cast.executive.user, letter=letter)
    assert signed.signed_by_head_at is not None


def test_a_cascade_never_offers_or_accepts_the_actors_own_unit_card(cast: Cast) -> None:
    cast.hq.head = cast.executive
    cast.hq.save(update_fields=["head"])
    wind = OrgUnitFactory(code="WIND", name="Wind company", parent=cast.group)
    parent = ItemFactory(scorecard=ScorecardFactory(unit=cast.group))
    page = cast.client("executive").get(reverse("scorecard-item-cascade", args=[parent.pk]))
    offered = {r.unit for r in page.context["form"].receivers}
    assert offered == {wind}  # Headquarters, the unit the executive heads, is not offered
    with pytest.raises(PermissionDenied):
        item_cascade(
            actor=cast.executive.user,
            parent=parent,
            mode=SplitMode.SAME,
            allocations=[Allocation(unit=cast.hq)],
        )
    body = {"mode": "same", "allocations": [{"unit": cast.hq.pk}]}
    response = cast.client("executive").post(
        f"/api/v1/scorecard-items/{parent.pk}/cascade/",
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not ScorecardItem.objects.filter(parent=parent).exists()
    # HR, not heading Headquarters, gives it the goal.
    item_cascade(
        actor=cast.hr.user,
        parent=parent,
        mode=SplitMode.SAME,
        allocations=[Allocation(unit=cast.hq)],
    )


def test_a_cascade_never_offers_the_actor_themself(cast: Cast) -> None:
    parent = ItemFactory(scorecard=ScorecardFactory(unit=cast.hq))
    page = cast.client("hr").get(reverse("scorecard-item-cascade", args=[parent.pk]))
    people = {r.employee for r in page.context["form"].receivers if r.employee is not None}
    assert cast.executive in people and cast.hr not in people
    with pytest.raises(PermissionDenied):
        item_cascade(
            actor=cast.hr.user,
            parent=parent,
            mode=SplitMode.SAME,
            allocations=[Allocation(employee=cast.hr)],
        )


# --- Pages and API -------------------------------------------------------------------------


def test_the_unit_heads_pages_offer_no_edit_and_refuse_a_posted_one(cast: Cast) -> None:
    card = unit_scorecard(cast.engineering)
    item = card.items.filter(kind=ItemKind.QUANTITATIVE).first()
    assert item is not None
    head = cast.client("manager")
    assert head.get(reverse("scorecard-detail", args=[card.pk])).context["can_edit"] is False
    assert head.get(reverse("scorecard-item", args=[item.pk])).context["can_edit"] is False
    hr = cast.client("hr")
    assert hr.get(reverse("scorecard-item", args=[item.pk])).context["can_edit"] is True
    form = {"name": item.name, "kind": item.kind, "weight": "60", "polarity": "higher"}
    form |= {"aggregation": "sum", "target": "1", "version": item.version}
    response = head.post(reverse("scorecard-item-edit", args=[item.pk]), form)
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.target == D(500)


def test_the_unit_heads_api_writes_to_the_unit_card_are_refused_with_403(cast: Cast) -> None:
    card = unit_scorecard(cast.engineering, milestone=True)
    item = card.items.filter(kind=ItemKind.QUANTITATIVE).get()
    milestone_item = card.items.filter(kind=ItemKind.MILESTONE).get()
    head = cast.client("manager")

    def send(method: str, url: str, body: dict[str, Any]) -> Any:
        return getattr(head, method)(url, json.dumps(body), content_type="application/json")

    answers = [
        send("patch", f"/api/v1/scorecard-items/{item.pk}/", {"target": "1", "version": 1}),
        send(
            "post",
            "/api/v1/scorecard-items/",
            {"scorecard": card.pk, "kind": "key_task", "name": "Mine"},
        ),
        send(
            "put",
            f"/api/v1/scorecard-items/{item.pk}/monthly-plan/",
            {"version": 1, "months": [{"month": 1, "value": "1"}]},
        ),
        send(
            "post",
            "/api/v1/milestones/",
            {
                "item": milestone_item.pk,
                "name": "Mine",
                "due_date": "2026-06-30",
                "responsible_unit": cast.engineering.pk,
            },
        ),
    ]
    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert not Milestone.objects.filter(name="Mine").exists()
    assert not ScorecardItem.objects.filter(name="Mine").exists()


def test_bulk_assignment_leaves_out_the_actor_and_gives_the_rest_their_goal(cast: Cast) -> None:
    from scorecard.services.bulk_assign import bulk_assign_candidates

    parent = ItemFactory(scorecard=ScorecardFactory(unit=cast.hq))
    EmployeeFactory(unit=cast.hq, job_title="HR partner", name="Another HR partner")
    people = bulk_assign_candidates(cast.hr.user, parent, unit=cast.hq, job_title="HR partner")
    assert [p.name for p in people] == ["Another HR partner"]
    employee_scorecard(cast.hr)  # their own card exists; it still is not theirs to fill
    assert cast.hr not in set(
        bulk_assign_candidates(cast.hr.user, parent, unit=cast.group, include_subunits=True)
    )


def test_the_unit_page_offers_the_head_no_create_of_their_own_cards(cast: Cast) -> None:
    url = reverse("scorecard-unit", args=[cast.engineering.pk])
    head = cast.client("manager").get(url, {"year": 2026})
    rows = {p.pk: p.own for p in head.context["page"].object_list}
    assert rows == {cast.manager.pk: True, cast.employee.pk: False}
    assert head.context["own_unit"] is True
    assert "Create the unit scorecard" not in head.content.decode()
    assert head.content.decode().count("Create scorecard") == 1  # the employee's, not theirs
    hr = cast.client("hr").get(url, {"year": 2026})
    assert hr.context["own_unit"] is False
    assert "Create the unit scorecard" in hr.content.decode()
