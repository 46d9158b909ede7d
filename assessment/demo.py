"""The demo's assessment: a published first-half cycle and an annual cycle ready to compute.

Run by ``seed_demo`` after the scorecard demo and its tracking. The year is the demo
scorecards' year, read from the database. Over the whole group:

- a **semi-annual** cycle (January-June), reviewed — key tasks graded, qualitative ratings
  given — computed, finalised and **published**: employees read their result;
- an **annual** cycle opened and in review, key tasks graded, waiting to be computed;
- in the annual cycle: an approved deduction (the thermal power company), an unapproved
  bonus point (Engineering & Construction), an approved exemption (an item of the Qinghai
  Solar Park) and one approved veto (a safety accident at the Huaiyin plant, or at the
  hydropower company where that plant has no unit scorecard).

HR (``hr``) runs the cycles and proposes; the executive (``exec``) approves. Idempotent: a
cycle that already exists (same name and year) is left as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from assessment.compute import compute_cycle
from assessment.models import (
    AssessmentCycle,
    AssessmentResult,
    AssessmentScheme,
    KeyTaskGrade,
)
from assessment.services import cycles, decisions, inputs
from assessment.services.schemes import scheme_create
from org.demo import DemoOrg
from org.scoping import SYSTEM
from scorecard.models import ItemKind, Scorecard, ScorecardItem
from spm.clock import clock

GRADES = ["high_quality", "good", "completed", "good", "uncompleted"]


def _year(demo: DemoOrg) -> int | None:
    units = [u.pk for u in demo.units.values()]
    year = Scorecard.objects.filter(unit_id__in=units).aggregate(y=Max("year"))["y"]
    return int(year) if year is not None else None


def _scheme(demo: DemoOrg) -> AssessmentScheme:
    scheme = AssessmentScheme.objects.filter(code="group", current=True).first()
    if scheme is not None:
        return scheme
    return scheme_create(
        actor=SYSTEM, code="group", name="Group assessment scheme", owner_unit=demo.units["ZNE"]
    )


def _review(cycle: AssessmentCycle, rated: bool) -> None:
    """Grade every key task and, if ``rated``, give every result a qualitative rating."""
    results = list(
        AssessmentResult.objects.filter(cycle=cycle)
        .order_by("pk")
        .values_list("pk", "scorecard_id")
    )
    by_card = {card: pk for pk, card in results}
    tasks = ScorecardItem.objects.filter(scorecard_id__in=by_card, kind=ItemKind.KEY_TASK).order_by(
        "pk"
    )
    done = set(KeyTaskGrade.objects.filter(result__cycle=cycle).values_list("result_id", "item_id"))
    for n, task in enumerate(tasks):
        result = AssessmentResult(pk=by_card[task.scorecard_id], cycle=cycle)
        if (result.pk, task.pk) in done:
            continue
        inputs.key_task_grade(
            actor=SYSTEM, result=result, item=task, grade=GRADES[n % len(GRADES)], note="Demo"
        )
    if rated:
        for n, (pk, _card) in enumerate(results):
            rating = Decimal(78 + (n * 7) % 20)
            inputs.qualitative_rate(
                actor=SYSTEM, result=AssessmentResult(pk=pk, cycle=cycle), rating=rating
            )


def _unit_result(cycle: AssessmentCycle, demo: DemoOrg, *codes: str) -> AssessmentResult | None:
    """The unit result of the first of ``codes`` that has a unit scorecard."""
    for code in codes:
        found = AssessmentResult.objects.filter(
            cycle=cycle, unit=demo.units[code], employee__isnull=True
        ).first()
        if found is not None:
            return found
    return None


def _decisions(cycle: AssessmentCycle, demo: DemoOrg) -> None:
    hr, executive = demo.logins["hr"].user, demo.logins["exec"].user
    tangshan = _unit_result(cycle, demo, "TP-TS", "TP")
    if tangshan is not None:
        deduction = decisions.adjustment_propose(
            actor=hr,
            result=tangshan,
            kind="deduction",
            points=Decimal(2),
            reason="Unit 2 forced outage in March beyond the allowed hours",
        )
        decisions.adjustment_decide(
            actor=executive, adjustment=deduction, approve=True, version=deduction.version
        )
    engineering = _unit_result(cycle, demo, "HQ-EC")
    if engineering is not None:
        decisions.adjustment_propose(
            actor=hr,
            result=engineering,
            kind="bonus",
            points=Decimal(1),
            reason="Grid connection of the Zhangbei wind farm one month early",
        )
    qinghai = _unit_result(cycle, demo, "WS-QH", "WS")
    if qinghai is not None:
        item = ScorecardItem.objects.filter(
            scorecard_id=qinghai.scorecard_id, kind=ItemKind.QUANTITATIVE
        ).first()
        if item is not None:
            exemption = decisions.exemption_propose(
                actor=hr,
                result=qinghai,
                item=item,
                reason="Provincial curtailment order (policy change), not caused by the park",
            )
            decisions.exemption_decide(
                actor=executive, exemption=exemption, approve=True, version=exemption.version
            )
    red_line = _unit_result(cycle, demo, "TP-HY", "HP")
    if red_line is not None:
        veto = decisions.veto_propose(
            actor=hr, result=red_line, reason="Serious safety accident: injury on site in May"
        )
        decisions.veto_decide(actor=executive, veto=veto, approve=True, version=veto.version)


def _cycle(demo: DemoOrg, *, name: str, kind: str, year: int, period: int) -> Any:
    existing = AssessmentCycle.objects.filter(name=name, year=year).first()
    if existing is not None:
        return existing, False
    cycle = cycles.cycle_create(
        actor=SYSTEM,
        name=name,
        kind=kind,
        year=year,
        period=period,
        owner_unit=demo.units["ZNE"],
        root_units=[demo.units["ZNE"]],
        scheme=_scheme(demo),
    )
    return cycles.cycle_open(actor=SYSTEM, cycle=cycle, version=None), True


@transaction.atomic
def seed(demo: DemoOrg) -> str:
    year = _year(demo)
    if year is None:
        return "no scorecards to assess"
    half, new_half = _cycle(
        demo, name=f"First half {year}", kind="semi_annual", year=year, period=1
    )
    if new_half:
        _review(half, rated=True)
        compute_cycle(half.pk, now=clock().now())
        for step in ("self_assessment", "review", "calibration", "finalised", "published"):
            half = cycles.cycle_advance(actor=SYSTEM, cycle=half, to=step, version=None)
    annual, new_annual = _cycle(
        demo, name=f"Annual assessment {year}", kind="annual", year=year, period=1
    )
    if new_annual:
        _review(annual, rated=False)
        _decisions(annual, demo)
        for step in ("self_assessment", "review"):
            annual = cycles.cycle_advance(actor=SYSTEM, cycle=annual, to=step, version=None)
    total = AssessmentResult.objects.filter(cycle__in=[half, annual]).count()
    return (
        f"2 assessment cycles of {year} ({half.get_status_display()}, "
        f"{annual.get_status_display()}); {total} results"
    )
