"""A small bonus world on the cast: an annual cycle whose employee results already carry
grades (set directly: these tests are about money, not about scoring), base bonuses, and
helpers to finalise it and run the payout task in-process."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.test import TestCase

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from incentives.models import BonusScheme, Payout
from incentives.services import payouts_compute_start
from org.models import Employee
from spm.models import Job
from tests.conftest import Cast
from tests.factories_assessment import YEAR, annual_cycle
from tests.factories_scorecard import ScorecardFactory

D = Decimal
# person -> (base bonus, grade)
STAFF = {
    "employee": (D("100000.00"), "good"),
    "site_worker": (D("50000.00"), "excellent"),
    "finance_clerk": (D("80000.00"), "qualified"),
    "manager": (D("150000.00"), "basic"),
}

# The what-if form's fields: the §3.5 terms with *good* at 1.5 instead of 1.2.
TERMS = {
    "excellent": "1.4",
    "good": "1.5",
    "qualified": "1.0",
    "basic": "0.8",
    "unqualified": "0",
    "unit_excellent": "1.2",
    "unit_good": "1.1",
    "unit_qualified": "1.0",
    "unit_basic": "0.9",
    "unit_unqualified": "0.5",
    "cap_ratio": "",
    "cap_amount": "",
}


@dataclass
class World:
    cycle: AssessmentCycle
    results: dict[str, AssessmentResult]
    scheme: BonusScheme


def bonus_world(cast: Cast, *, unit_grade: str = "excellent") -> World:
    people: dict[str, Employee] = {name: getattr(cast, name) for name in STAFF}
    for name, person in people.items():
        ScorecardFactory.create(unit=person.unit, employee=person, year=YEAR)
        Employee.objects.filter(pk=person.pk).update(base_bonus=STAFF[name][0])
    ScorecardFactory.create(unit=cast.engineering, employee=None, year=YEAR)
    cycle = annual_cycle(cast)
    results = {
        name: AssessmentResult.objects.get(cycle=cycle, employee=person)
        for name, person in people.items()
    }
    for name, result in results.items():
        AssessmentResult.objects.filter(pk=result.pk).update(grade=STAFF[name][1])
    AssessmentResult.objects.filter(
        cycle=cycle, unit=cast.engineering, employee__isnull=True
    ).update(grade=unit_grade)
    scheme = BonusScheme.objects.create(name="Group bonus", version=1)
    return World(cycle, results, scheme)


def finalise_directly(cycle: AssessmentCycle) -> AssessmentCycle:
    AssessmentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.FINALISED)
    cycle.refresh_from_db()
    return cycle


def run(actor: object, cycle: AssessmentCycle) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = payouts_compute_start(actor=actor, cycle=cycle)  # type: ignore[arg-type]
    job.refresh_from_db()
    return job


def amounts(world: World) -> dict[str, Decimal]:
    paid = {p.result_id: p.amount for p in Payout.objects.filter(cycle=world.cycle)}
    return {name: paid[r.pk] for name, r in world.results.items()}


def preview(client: Any, url: str, fields: dict[str, str]) -> Any:
    """Post the what-if form's preview (its job runs in-process on commit) and follow the
    page back to the job's result."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(url, {**fields, "preview": "1"})
    assert started.status_code == 302 and "?job=" in started["Location"], started
    return client.get(started["Location"])
