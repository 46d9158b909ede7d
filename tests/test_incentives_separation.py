"""Separation of duties: nobody revises a bonus scheme — or applies a what-if to it — that
decides their own pay (a payout under it, or a base bonus and a result in a cycle using
it). The API answers 403 and the page a form error, both saying who may: another HR whose
pay it does not affect, or an executive, who then can."""

from __future__ import annotations

from decimal import Decimal

from incentives.models import BonusScheme
from incentives.selectors import own_pay_under
from org.models import Employee
from tests.conftest import Cast
from tests.factories_assessment import YEAR
from tests.factories_scorecard import ScorecardFactory
from tests.incentives_world import TERMS, World, bonus_world, finalise_directly, run

REFUSAL = "decides your own pay"


def hr_assessed_in(cast: Cast) -> World:
    """The bonus world with the HR person assessed in its cycle, on a base bonus."""
    ScorecardFactory.create(unit=cast.hr.unit, employee=cast.hr, year=YEAR)
    Employee.objects.filter(pk=cast.hr.pk).update(base_bonus=Decimal("90000.00"))
    return bonus_world(cast)


def test_hr_assessed_in_a_cycle_the_scheme_pays_may_not_revise_it_an_executive_may(
    cast: Cast,
) -> None:
    world = hr_assessed_in(cast)
    assert own_pay_under(cast.hr.user, world.scheme, world.cycle)
    assert not own_pay_under(cast.executive.user, world.scheme, world.cycle)
    url = f"/api/v1/bonus-schemes/{world.scheme.pk}/revise/"
    body = {"version": 1, "good": "1.3"}
    refused = cast.client("hr").post(url, body, content_type="application/json")
    assert refused.status_code == 403 and REFUSAL in refused.json()["detail"]
    assert "an executive" in refused.json()["detail"]
    assert BonusScheme.objects.count() == 1
    done = cast.client("executive").post(url, body, content_type="application/json")
    assert done.status_code == 201 and done.json()["version"] == 2


def test_a_payout_under_the_scheme_bars_its_revision_even_without_a_cycle(cast: Cast) -> None:
    world = hr_assessed_in(cast)
    run(cast.hr.user, finalise_directly(world.cycle))  # the HR person is paid under it
    assert own_pay_under(cast.hr.user, world.scheme)
    url = f"/api/v1/bonus-schemes/{world.scheme.pk}/revise/"
    refused = cast.client("hr").post(url, {"version": 1}, content_type="application/json")
    assert refused.status_code == 403


def test_an_unassessed_hr_revises_the_scheme(cast: Cast) -> None:
    world = bonus_world(cast)
    Employee.objects.filter(pk=cast.hr.pk).update(base_bonus=Decimal("90000.00"))
    assert not own_pay_under(cast.hr.user, world.scheme, world.cycle)
    url = f"/api/v1/bonus-schemes/{world.scheme.pk}/revise/"
    done = cast.client("hr").post(url, {"version": 1}, content_type="application/json")
    assert done.status_code == 201


def test_the_whatif_page_warns_and_refuses_to_apply_terms_to_ones_own_pay(cast: Cast) -> None:
    world = hr_assessed_in(cast)
    url = f"/incentives/cycles/{world.cycle.pk}/what-if/"
    client = cast.client("hr")
    page = client.get(url).content.decode()
    assert REFUSAL in page  # said up front; the preview still works
    applied = client.post(url, {**TERMS, "version": "1"})
    assert applied.status_code == 200
    assert REFUSAL in applied.context["form"].non_field_errors()[0]
    assert BonusScheme.objects.count() == 1
    executive = cast.client("executive").post(url, {**TERMS, "version": "1"})
    assert executive.status_code == 302 and BonusScheme.objects.count() == 2
