"""Issue 8, findings 9 and 11 (the rest): a write one may not make is refused — 404 when the
object is out of sight, 403 when it is in sight; a hand-over's counterpart may be any unit
of the group; nobody sets their own goals or issues their own letter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from scorecard.models import ItemKind, Milestone, Scorecard, ScorecardItem, ScorecardStatus
from scorecard.services.items import item_create, item_update
from scorecard.services.letters import letter_issue, may_issue
from scorecard.services.scorecards import scorecard_create
from tests.conftest import Cast
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db


def _post(cast: Cast, role: str, url: str, body: Any) -> Any:
    return cast.client(role).post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def item(cast: Cast) -> ScorecardItem:
    # Signed: published, so the employee reads it (and assigning does not change it).
    card = unit_scorecard(cast.engineering, status=ScorecardStatus.SIGNED)
    return card.items.filter(kind=ItemKind.QUANTITATIVE).get()


@pytest.mark.parametrize(
    "role,status", [("employee", 403), ("sibling_manager", 404), ("manager", 201)]
)
def test_assign_is_refused_to_whoever_may_read_the_item_but_not_change_it(
    cast: Cast, item: ScorecardItem, role: str, status: int
) -> None:
    body = {"unit": cast.engineering.pk}
    response = _post(cast, role, f"/api/v1/scorecard-items/{item.pk}/assign/", body)
    assert response.status_code == status, response.content
    children = ScorecardItem.objects.filter(parent=item)
    assert children.exists() == (status == 201)


def test_assign_leaves_out_the_assigners_own_scorecard(cast: Cast, item: ScorecardItem) -> None:
    _post(
        cast, "manager", f"/api/v1/scorecard-items/{item.pk}/assign/", {"unit": cast.engineering.pk}
    )
    receivers = set(
        ScorecardItem.objects.filter(parent=item).values_list("scorecard__employee", flat=True)
    )
    assert cast.employee.pk in receivers and cast.manager.pk not in receivers


def test_a_hand_over_may_name_a_sibling_unit_as_counterpart(
    cast: Cast,
) -> None:
    card = unit_scorecard(cast.site, milestone=True)  # below the unit the manager heads
    milestone_item = card.items.filter(kind=ItemKind.MILESTONE).get()
    body = {
        "item": milestone_item.pk,
        "name": "Hand the design over to Finance",
        "due_date": "2026-06-30",
        "responsible_unit": cast.engineering.pk,
        "counterpart_unit": cast.finance.pk,
    }
    response = _post(cast, "manager", "/api/v1/milestones/", body)
    assert response.status_code == 201, response.content
    assert Milestone.objects.get(pk=response.json()["id"]).counterpart_unit == cast.finance
    body["responsible_unit"] = cast.finance.pk  # what the manager may not commit others to
    assert _post(cast, "manager", "/api/v1/milestones/", body).status_code == 400


def test_nobody_creates_a_scorecard_for_themselves(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        scorecard_create(actor=cast.manager.user, employee=cast.manager, year=2027)
    with pytest.raises(PermissionDenied):
        scorecard_create(actor=cast.hr.user, employee=cast.hr, year=2027)
    assert not Scorecard.objects.filter(employee__in=[cast.manager, cast.hr]).exists()
    # The next level up does it.
    assert scorecard_create(actor=cast.hr.user, employee=cast.manager, year=2027).pk


def test_nobody_sets_the_targets_of_their_own_scorecard(cast: Cast) -> None:
    own = employee_scorecard(cast.manager)
    goal = own.items.get()
    with pytest.raises(PermissionDenied):
        item_update(actor=cast.manager.user, item=goal, expected_version=goal.version, name="Easy")
    with pytest.raises(PermissionDenied):
        item_create(actor=cast.manager.user, scorecard=own, kind=ItemKind.KEY_TASK, name="Mine")
    response = cast.client("manager").patch(
        f"/api/v1/scorecard-items/{goal.pk}/",
        json.dumps({"name": "Easy", "version": goal.version}),
        content_type="application/json",
    )
    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.name != "Easy"
    # HR, one level up for this purpose, may.
    assert item_update(actor=cast.hr.user, item=goal, expected_version=goal.version, name="Set")


def test_hr_does_not_issue_her_own_letter(cast: Cast) -> None:
    own = employee_scorecard(cast.hr)
    assert not may_issue(cast.hr.user, own)
    with pytest.raises(PermissionDenied):
        letter_issue(actor=cast.hr.user, scorecard=own)
    assert may_issue(cast.executive.user, own)
