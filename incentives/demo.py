"""The demo's bonus scheme: the §3.5 coefficients, a cap of twice the base bonus, the
unit-grade factor switched on, and a pool for Engineering & Construction (the unit whose
people hold personal scorecards in the demo): the sum of its people's base bonuses (what
they would get were everyone qualified), rounded down to the thousand, shared by base x
coefficient and scaled by the unit's own grade. Anyone outside it is paid base x
coefficient. HR can try other terms in the what-if.

The employees' base bonuses come from the org demo. Run after the assessment demo, which
leaves the annual cycle in review, ready to compute: once HR computes its scores (the one
computation) and finalises it, finalising starts the payout job that pays the whole group
(``services.on_cycle_finalised``); the what-if works as soon as the scores are computed.
Idempotent: an existing scheme of the same name is left as it is.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import Sum

from assessment.models import CycleKind
from incentives.models import BonusScheme
from incentives.services import scheme_revise
from org.demo import DemoOrg
from org.models import Employee
from org.scoping import SYSTEM

NAME = "Group bonus scheme"
POOLS = ("HQ-EC",)
THOUSAND = Decimal(1000)


@transaction.atomic
def seed(demo: DemoOrg) -> str:
    existing = BonusScheme.objects.filter(name=NAME).order_by("-version").first()
    if existing is not None:
        return f"bonus scheme {existing} kept"
    pools = {}
    for code in POOLS:
        unit = demo.units.get(code)
        if unit is None:
            continue
        # The pool is what its paid members' bases add up to: the people of the unit who
        # have an annual result (people without a scorecard are assessed and paid nowhere).
        members = Employee.objects.filter(unit__path__startswith=unit.path, active=True)
        assessed = members.filter(assessment_results__cycle__kind=CycleKind.ANNUAL).distinct()
        total = (assessed if assessed.exists() else members).aggregate(s=Sum("base_bonus"))[
            "s"
        ] or Decimal(0)
        pools[unit.pk] = (total / THOUSAND).to_integral_value(rounding=ROUND_DOWN) * THOUSAND
    scheme = scheme_revise(
        actor=SYSTEM,
        scheme=BonusScheme(name=NAME),
        version=0,
        terms={"cap_ratio": Decimal(2), "unit_factor": True},
        pools=pools,
    )
    return f"bonus scheme {scheme} with {len(pools)} unit pool(s)"
