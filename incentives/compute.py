"""Payout computation of a finalised cycle: chunked, set-based, idempotent.

Reads the employee results of the cycle (one query per pool, one per chunk of the people
outside pools, each with the employee's base bonus), applies ``incentives.plan`` with the
terms of the scheme version the cycle uses (coefficients, caps, pools, unit-grade factor)
and writes only the payouts that change (bulk, with their audit rows written explicitly).
A re-run writes nothing; a published cycle refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assessment.models import AssessmentCycle, AssessmentResult, CycleStatus
from incentives import plan, rules, totals
from incentives.models import BonusScheme, Payout, UnitPool

CHUNK = 2000
MILLI = Decimal("0.001")  # coefficients are stored with three decimals
DEFAULT_SCHEME = "Default"


@dataclass(frozen=True)
class Outcome:
    computed: int
    changed: int
    refused: bool = False


def scheme_current(cycle: AssessmentCycle) -> BonusScheme | None:
    """The version the cycle already used, else the latest version (None if there is none)."""
    used = Payout.objects.filter(cycle=cycle).values_list("scheme_id", flat=True).first()
    if used is not None:
        return BonusScheme.objects.get(pk=used)
    return BonusScheme.objects.order_by("-version", "-pk").first()


def scheme_for(cycle: AssessmentCycle) -> BonusScheme:
    """The version the cycle uses; the §3.5 defaults become version 1 if there is none."""
    return scheme_current(cycle) or BonusScheme.objects.create(name=DEFAULT_SCHEME, version=1)


def terms_of(
    scheme: BonusScheme, cycle: AssessmentCycle, *, pools: dict[str, Decimal] | None = None
) -> plan.Terms:
    """The scheme version's terms (or its ``pools`` replaced, by unit path: the what-if),
    with the pools' unit grades read from the cycle."""
    if pools is None:
        pools = dict(
            UnitPool.objects.filter(scheme_id=scheme.pk).values_list("unit__path", "amount")
        )
    grades: dict[str, str] = {}
    if scheme.unit_factor and pools:
        units = AssessmentResult.objects.filter(
            cycle=cycle, employee__isnull=True, unit__path__in=list(pools)
        ).values_list("unit__path", "grade", "calibrated_grade", "vetoed")
        for path, grade, calibrated, vetoed in units:
            if grade or calibrated:
                grades[path] = rules.UNQUALIFIED if vetoed else (calibrated or grade)
    return plan.Terms(
        coefficients={g: c.quantize(MILLI) for g, c in scheme.coefficients().items()},
        cap_ratio=scheme.cap_ratio,
        cap_amount=scheme.cap_amount,
        pools=pools,
        unit_factor=scheme.unit_factor,
        unit_factors=scheme.unit_factors(),
        unit_grades=grades,
    )


FIELDS = ("pk", "unit__path", "grade", "calibrated_grade", "vetoed", "employee__base_bonus")


def person_of(row: dict) -> plan.Person:
    return plan.Person(
        key=row["pk"],
        unit_path=row["unit__path"],
        base=row["employee__base_bonus"],
        grade=row["calibrated_grade"] or row["grade"] or rules.UNQUALIFIED,
        vetoed=row["vetoed"],
    )


def _write(
    cycle: AssessmentCycle,
    scheme: BonusScheme,
    rows: list[dict],
    lines: dict[int, plan.Line],
    pool_units: dict[str, int],
) -> int:
    """Payouts of ``rows`` from their ``lines``; writes only what changes, with its audit
    rows. Returns how many changed."""
    with transaction.atomic():
        existing = {
            p.result_id: p for p in Payout.objects.filter(result_id__in=[r["pk"] for r in rows])
        }
        # a payout whose employee moved leaves its old unit's totals too
        touched = {p.unit_id for p in existing.values()} | {r["unit_id"] for r in rows}
        new, updated = [], []
        for r in rows:
            line = lines[r["pk"]]
            values = {
                "employee_id": r["employee_id"],
                "unit_id": r["unit_id"],
                "scheme_id": scheme.pk,
                "grade": line.grade,
                "base": r["employee__base_bonus"],
                "coefficient": line.coefficient,
                "amount": line.amount,
                "explanation": line.explanation,
                "pool_unit_id": pool_units.get(line.pool) if line.pool else None,
            }
            payout = existing.get(r["pk"])
            if payout is None:
                new.append(Payout(cycle_id=cycle.pk, result_id=r["pk"], **values))
            elif any(getattr(payout, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(payout, k, v)
                updated.append(payout)
        if new:
            bulk_create_with_history(new, Payout, batch_size=len(new))
        if updated:
            bulk_update_with_history(updated, Payout, list(values), batch_size=len(updated))
        if new or updated:
            totals.refresh(cycle.pk, touched)
    return len(new) + len(updated)


def _slices(rows: list[dict], size: int) -> list[list[dict]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def compute_payouts(
    cycle_id: int,
    *,
    chunk_size: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Every payout of a finalised cycle: each pool as one group (its allocation needs all
    its members), the people outside pools a chunk at a time."""
    cycle = AssessmentCycle.objects.filter(pk=cycle_id).first()
    if cycle is None or cycle.status != CycleStatus.FINALISED:
        return Outcome(0, 0, refused=True)
    scheme = scheme_for(cycle)
    terms = terms_of(scheme, cycle)
    pool_units = dict(
        UnitPool.objects.filter(scheme_id=scheme.pk).values_list("unit__path", "unit_id")
    )
    results = AssessmentResult.objects.filter(cycle=cycle, employee__isnull=False)
    fields = (*FIELDS, "employee_id", "unit_id")
    total = results.count()
    done = changed = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    paths = sorted(terms.pools, key=len, reverse=True)
    for path in paths:
        deeper = [p for p in paths if p != path and p.startswith(path)]
        members = results.filter(unit__path__startswith=path)
        for inner in deeper:
            members = members.exclude(unit__path__startswith=inner)
        rows = list(members.order_by("pk").values(*fields))
        if not rows:
            continue
        # The allocation is made over the whole pool; the writes go in chunks.
        lines = plan.plan(map(person_of, rows), terms)
        for part in _slices(rows, chunk_size):
            changed += _write(cycle, scheme, part, lines, pool_units)
            report(len(part))
    alone = results
    for path in paths:
        alone = alone.exclude(unit__path__startswith=path)
    last = 0
    while True:
        rows = list(alone.filter(pk__gt=last).order_by("pk").values(*fields)[:chunk_size])
        if not rows:
            break
        last = rows[-1]["pk"]
        changed += _write(cycle, scheme, rows, plan.plan(map(person_of, rows), terms), pool_units)
        report(len(rows))
    return Outcome(done, changed)
