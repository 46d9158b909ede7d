"""Pools, the unit-grade factor and individual caps, through the payout task: a pool is
shared to the cent among its subtree, the unit's grade scales it when switched on, a cap
holds and its excess goes to the others, and a revision is a new version the next cycle
uses while a computed cycle keeps its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from incentives.models import BonusScheme, Payout, UnitPool
from incentives.services import SchemeStale, scheme_revise
from spm.models import Job
from tests.conftest import Cast
from tests.incentives_world import amounts, bonus_world, finalise_directly, run

D = Decimal


def test_without_pools_each_person_gets_base_times_coefficient(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    assert run(cast.hr.user, cycle).status == Job.Status.DONE
    assert amounts(world) == {
        "employee": D("120000.00"),
        "site_worker": D("70000.00"),
        "finance_clerk": D("80000.00"),
        "manager": D("120000.00"),
    }


def test_an_engineering_pool_is_shared_to_the_cent_by_base_times_coefficient(cast: Cast) -> None:
    world = bonus_world(cast)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.engineering, amount=D("100000.00"))
    run(cast.hr.user, finalise_directly(world.cycle))
    paid = amounts(world)
    # weights: employee 120,000; site worker 70,000; manager 120,000 -> 310,000
    assert paid["employee"] == D("38709.68")
    assert paid["site_worker"] == D("22580.64")
    assert paid["manager"] == D("38709.68")
    assert paid["employee"] + paid["site_worker"] + paid["manager"] == D("100000.00")
    assert paid["finance_clerk"] == D("80000.00")  # outside the pool
    explanation = Payout.objects.get(result=world.results["site_worker"]).explanation
    assert explanation["method"] == "pool"
    assert explanation["formula"] == "100000.00 x 70000 / 310000 = 22580.64"


def test_a_deeper_pool_takes_its_members_out_of_the_outer_one(cast: Cast) -> None:
    world = bonus_world(cast)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.engineering, amount=D("1000.00"))
    UnitPool.objects.create(scheme=world.scheme, unit=cast.site, amount=D("333.33"))
    run(cast.hr.user, finalise_directly(world.cycle))
    paid = amounts(world)
    assert paid["site_worker"] == D("333.33")
    assert paid["employee"] + paid["manager"] == D("1000.00")


def test_unit_grade_factor_scales_the_pool_by_the_units_grade(cast: Cast) -> None:
    world = bonus_world(cast, unit_grade="excellent")
    BonusScheme.objects.filter(pk=world.scheme.pk).update(unit_factor=True)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.engineering, amount=D("100000.00"))
    run(cast.hr.user, finalise_directly(world.cycle))
    paid = amounts(world)
    assert paid["employee"] + paid["site_worker"] + paid["manager"] == D("120000.00")
    assert Payout.objects.get(result=world.results["employee"]).explanation["factor"] == "1.200"


def test_a_cap_holds_for_a_person_paid_alone(cast: Cast) -> None:
    world = bonus_world(cast)
    BonusScheme.objects.filter(pk=world.scheme.pk).update(cap_amount=D("75000.00"))
    run(cast.hr.user, finalise_directly(world.cycle))
    paid = amounts(world)
    assert paid == {
        "employee": D("75000.00"),
        "site_worker": D("70000.00"),
        "finance_clerk": D("75000.00"),
        "manager": D("75000.00"),
    }
    formula = Payout.objects.get(result=world.results["employee"]).explanation["formula"]
    assert formula == "min(100000.00 x 1.200, 75000.00) = 75000.00"


def test_in_a_pool_what_a_capped_person_cannot_take_goes_to_the_others(cast: Cast) -> None:
    world = bonus_world(cast)
    BonusScheme.objects.filter(pk=world.scheme.pk).update(cap_ratio=D("0.35"))
    UnitPool.objects.create(scheme=world.scheme, unit=cast.engineering, amount=D("100000.00"))
    run(cast.hr.user, finalise_directly(world.cycle))
    paid = amounts(world)
    # uncapped 38,709.68 / 22,580.64 / 38,709.68; caps 35,000 / 17,500 / 52,500
    assert paid["employee"] == D("35000.00")
    assert paid["site_worker"] == D("17500.00")
    assert paid["manager"] == D("47500.00")
    assert Payout.objects.get(result=world.results["employee"]).explanation["capped"] is True


def test_a_revision_is_a_new_version_with_its_pools_and_the_old_one_stays(cast: Cast) -> None:
    world = bonus_world(cast)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.finance, amount=D("5000.00"))
    revised = scheme_revise(
        actor=cast.hr.user,
        scheme=world.scheme,
        version=1,
        terms={"good": D("1.5")},
        pools={cast.engineering.pk: D("9000.00")},
    )
    assert revised.version == 2 and revised.good == D("1.5")
    assert world.scheme.good == D("1.2")
    assert dict(revised.pools.values_list("unit_id", "amount")) == {cast.engineering.pk: D("9000")}
    with pytest.raises(SchemeStale):
        scheme_revise(actor=cast.hr.user, scheme=world.scheme, version=1, terms={}, pools={})
    assert revised.history.first().history_user == cast.hr.user


def test_only_hr_and_executives_revise_a_scheme(cast: Cast) -> None:
    from django.core.exceptions import PermissionDenied

    world = bonus_world(cast)
    for person in (cast.employee, cast.manager):
        with pytest.raises(PermissionDenied, match="Only HR or an executive"):
            scheme_revise(actor=person.user, scheme=world.scheme, version=1, terms={}, pools={})
    revised = scheme_revise(
        actor=cast.executive.user, scheme=world.scheme, version=1, terms={}, pools={}
    )
    assert revised.version == 2


def test_a_computed_cycle_keeps_its_version_after_a_revision(cast: Cast) -> None:
    world = bonus_world(cast)
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    scheme_revise(
        actor=cast.hr.user, scheme=world.scheme, version=1, terms={"good": D("2")}, pools={}
    )
    job = run(cast.hr.user, cycle)
    assert job.result["changed"] == 0
    assert amounts(world)["employee"] == D("120000.00")
