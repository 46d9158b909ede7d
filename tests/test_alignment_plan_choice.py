"""Which plan the alignment page shows: the chosen one, else the nearest approved plan
owned at or above the unit, else the nearest plan (one query for the list and the pick)."""

from __future__ import annotations

from typing import Any

import pytest

from scorecard.selectors.alignment import plan_choice
from strategy.models import PlanStatus
from tests.conftest import Cast
from tests.factories_scorecard import YEAR, PlanFactory

pytestmark = pytest.mark.django_db


def test_the_nearest_approved_plan_else_the_nearest_else_the_chosen(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    user = cast.hr.user
    assert plan_choice(user, cast.site, YEAR) == ([], None)
    group_plan = PlanFactory(owner_unit=cast.group, status=PlanStatus.APPROVED)
    draft = PlanFactory(owner_unit=cast.engineering, status=PlanStatus.DRAFT)
    PlanFactory(owner_unit=cast.finance)  # not above the site team
    PlanFactory(owner_unit=cast.group, start_year=YEAR + 10)  # another period
    with django_assert_num_queries(1):
        plans, plan = plan_choice(user, cast.site, YEAR)
    assert plans == [draft, group_plan]
    assert plan == group_plan
    assert plan_choice(user, cast.site, YEAR, str(draft.pk))[1] == draft
    assert plan_choice(user, cast.site, YEAR, "99999999999999999999")[1] is None
    group_plan.status = PlanStatus.SUPERSEDED
    group_plan.save()
    assert plan_choice(user, cast.site, YEAR)[1] == draft
