"""Payout computation of a finalised cycle: chunked, set-based, idempotent.

Reads the employee results of the cycle a chunk at a time (one query each, with the
employee's base bonus), applies ``incentives.rules.individual_bonus`` and writes only the
payouts that change (bulk, with their audit rows written explicitly). A re-run writes
nothing; a published cycle refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from incentives import rules
from incentives.models import BonusScheme, Payout

CHUNK = 2000
MILLI = Decimal("0.001")  # coefficients are stored with three decimals
DEFAULT_SCHEME = "Default"


@dataclass(frozen=True)
class Outcome:
    computed: int
    changed: int
    refused: bool = False


def scheme_for(cycle: AssessmentCycle) -> BonusScheme:
    """The version the cycle already used, else the latest version (the default if none)."""
    used = Payout.objects.filter(cycle=cycle).values_list("scheme_id", flat=True).first()
    if used is not None:
        return BonusScheme.objects.get(pk=used)
    latest = BonusScheme.objects.order_by("-version", "-pk").first()
    return latest or BonusScheme.objects.create(name=DEFAULT_SCHEME, version=1)


def explain(base: Decimal, coefficient: Decimal, grade: str, vetoed: bool, amount: Decimal) -> dict:
    return {
        "method": "individual",
        "grade": grade,
        "vetoed": vetoed,
        "base": str(base),
        "coefficient": str(coefficient),
        "formula": f"{base} x {coefficient} = {amount}",
        "amount": str(amount),
    }


def compute_payouts(
    cycle_id: int,
    *,
    chunk_size: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    if cycle.status != CycleStatus.FINALISED:
        return Outcome(0, 0, refused=True)
    scheme = scheme_for(cycle)
    table = {g: c.quantize(MILLI) for g, c in scheme.coefficients().items()}
    results = AssessmentResult.objects.filter(cycle=cycle, employee__isnull=False).order_by("pk")
    total = results.count()
    done = changed = 0
    last = 0
    while True:
        rows = list(
            results.filter(pk__gt=last).values(
                "pk",
                "employee_id",
                "unit_id",
                "grade",
                "calibrated_grade",
                "vetoed",
                "employee__base_bonus",
            )[:chunk_size]
        )
        if not rows:
            break
        last = rows[-1]["pk"]
        with transaction.atomic():
            existing = {
                p.result_id: p for p in Payout.objects.filter(result_id__in=[r["pk"] for r in rows])
            }
            new, updated = [], []
            for r in rows:
                grade = r["calibrated_grade"] or r["grade"] or rules.UNQUALIFIED
                base = r["employee__base_bonus"]
                coefficient = rules.coefficient_of(grade, vetoed=r["vetoed"], coefficients=table)
                amount = rules.individual_bonus(base, coefficient)
                values = {
                    "employee_id": r["employee_id"],
                    "unit_id": r["unit_id"],
                    "scheme_id": scheme.pk,
                    "grade": rules.UNQUALIFIED if r["vetoed"] else grade,
                    "base": base,
                    "coefficient": coefficient,
                    "amount": amount,
                    "explanation": explain(base, coefficient, grade, r["vetoed"], amount),
                }
                payout = existing.get(r["pk"])
                if payout is None:
                    new.append(Payout(cycle_id=cycle.pk, result_id=r["pk"], **values))
                elif any(getattr(payout, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(payout, k, v)
                    updated.append(payout)
            if new:
                bulk_create_with_history(new, Payout, batch_size=chunk_size)
            if updated:
                bulk_update_with_history(
                    updated, Payout, list(values.keys()), batch_size=chunk_size
                )
            changed += len(new) + len(updated)
        done += len(rows)
        if progress:
            progress(done, total)
    return Outcome(done, changed)
