"""Computing a cycle's results, set-based, one chunk of org units at a time.

Per chunk a fixed number of queries loads everything that decides the results — items,
actuals of the period (grouped per item), monthly plans, milestones, key-task grades,
milestone confirmations, qualitative ratings, adjustments, vetoes, exemptions — the pure
rules of :mod:`assessment.rules` compute each result, and only results whose values
changed are written: on PostgreSQL one statement per chunk updates them from arrays and
copies them into the history table (see :mod:`assessment.writes`). A re-run therefore gives
identical rows and writes nothing; a finalised cycle is never touched (checked under a
lock on the cycle row for every chunk, so finalising in the middle of a run stops it).

A result whose inputs digest (:mod:`assessment.digests`) equals the stored one is not
scored again: the rules would give exactly the stored values. Only the results whose
inputs changed are scored, and only their stored explanations are read to compare.

On PostgreSQL the chunks run in ``processes`` spawned processes at once
(:mod:`assessment.pool`). Chunks are disjoint and each takes a shared lock on the cycle
row (finalising waits for the chunks under way, and a chunk after it sees the final
status) and locks its results (two runs of the same cycle at once compute a result one
after the other, the second finds its digest current). The rows are the same whatever
the number of processes.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, JSONField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from assessment import rules, tallies
from assessment.digests import Digests
from assessment.models import (
    COMPUTABLE_STATUSES,
    Adjustment,
    AssessmentCycle,
    AssessmentResult,
    Exemption,
    KeyTaskGrade,
    MilestoneConfirmation,
    QualitativeRating,
    Veto,
)
from assessment.pool import chunk_outcomes, processes_for
from assessment.qualitative import provided_parts
from assessment.rules.explanation import expand
from assessment.writes import write_digests, write_results
from scorecard.models import (
    ActualStatus,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    ScorecardItem,
)
from scorecard.rules.scoring import Tiers
from spm.ids import any_of

CHUNK = 2000
# Processes computing a cycle's chunks at once (PostgreSQL only): the cores of the machine,
# at most four (each also keeps a PostgreSQL backend busy).
PROCESSES = max(1, min(4, os.cpu_count() or 1))


@dataclass
class Outcome:
    computed: int = 0
    changed: int = 0
    refused: bool = False
    processes: int = 1  # how many processes computed the chunks


def unit_chunks(cycle_id: int, size: int = CHUNK) -> list[list[int]]:
    """The cycle's units in tree order, grouped into chunks of about ``size`` results."""
    chunks: list[list[int]] = []
    current: list[int] = []
    count = 0
    rows = (
        AssessmentResult.objects.filter(cycle_id=cycle_id)
        .values("unit_id", "unit__path")
        .annotate(n=Count("id"))
        .order_by("unit__path")
    )
    for row in rows:
        if current and count + row["n"] > size:
            chunks.append(current)
            current, count = [], 0
        current.append(row["unit_id"])
        count += row["n"]
    if current:
        chunks.append(current)
    return chunks


def _group(rows: Any, key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[key] if isinstance(row, dict) else getattr(row, key)].append(row)
    return grouped


def _monthly(rows: QuerySet[Any]) -> dict[int, dict[int, Decimal]]:
    """``{item id: {month: value}}`` of monthly rows (actuals or plans).

    On PostgreSQL the rows arrive grouped, one row per item with two arrays: ten times
    fewer rows for the driver and Python to handle than one per month."""
    found: dict[int, dict[int, Decimal]] = {}
    values = rows.order_by().values_list("item_id", "month", "value")
    if connection.vendor != "postgresql":
        values = values.order_by("month")  # month order: the digest of the inputs is stable
        for item_id, month, value in values:
            found.setdefault(item_id, {})[month] = value
        return found
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        # No ORDER BY inside the aggregates: a sort per item costs the server more than
        # sorting ten pairs here (month order keeps the digest of the inputs stable).
        cursor.execute(
            "SELECT m.item_id, array_agg(m.month), array_agg(m.value) "  # noqa: S608 - Django's own SQL
            f"FROM ({sql}) AS m GROUP BY m.item_id",
            params,
        )
        for item_id, months, amounts in cursor.fetchall():
            found[item_id] = dict(sorted(zip(months, amounts, strict=True)))
    return found


def _ids(ids: list[int]) -> Any:
    """``ids`` for an ``__in`` filter. On PostgreSQL one array parameter: Django prepares
    every value of a list one by one, 2,000 ids in each of a chunk's ten queries."""
    if connection.vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", (ids,))


def load_inputs(cycle: AssessmentCycle, results: list[AssessmentResult]) -> dict[int, Any]:
    """Every result's :class:`rules.ScoreInput`, in a fixed number of queries."""
    period = cycle.period_span
    result_pks = [r.pk for r in results]
    result_ids = _ids(result_pks)
    scorecard_ids = _ids([r.scorecard_id for r in results])
    # Tuples, not dictionaries (two hundred thousand rows in a run of 20,000 people); the
    # last seven columns are the fields of Tiers, in its order.
    items = (
        ScorecardItem.objects.filter(scorecard_id__in=scorecard_ids)
        .order_by("scorecard_id", "order", "pk")
        .values_list(
            "scorecard_id", "id", "kind", "name", "weight", "aggregation",
            "target", "baseline", "challenge", "floor", "polarity", "range_low", "range_high",
        )
    )  # fmt: skip
    items_of: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    quantitative_ids = []
    for row in items:
        items_of[row[0]].append(row)
        if row[2] == ItemKind.QUANTITATIVE:
            quantitative_ids.append(row[1])
    # By the items' own ids (known now): no join with the items again.
    actuals = _monthly(
        MonthlyActual.objects.filter(
            any_of("item_id", quantitative_ids),
            month__gte=period.first_month,
            month__lte=period.last_month,
        ).exclude(status=ActualStatus.REJECTED)
    )
    plans = _monthly(ItemMonthlyPlan.objects.filter(any_of("item_id", quantitative_ids)))
    milestones = _group(
        Milestone.objects.filter(item__scorecard_id__in=scorecard_ids)
        .order_by("due_date", "order", "pk")
        .values("id", "item_id", "name", "due_date", "completed_on", "weight"),
        "item_id",
    )
    confirmations = {
        (c["result_id"], c["milestone_id"]): c["completed_on"]
        for c in MilestoneConfirmation.objects.filter(result_id__in=result_ids).values(
            "result_id", "milestone_id", "completed_on"
        )
    }
    grades = {
        (g["result_id"], g["item_id"]): g["grade"]
        for g in KeyTaskGrade.objects.filter(result_id__in=result_ids).values(
            "result_id", "item_id", "grade"
        )
    }
    ratings = dict(
        QualitativeRating.objects.filter(result_id__in=result_ids).values_list(
            "result_id", "rating"
        )
    )
    ratings.update(provided_parts(result_pks))
    decided = ("id", "result_id", "reason", "status")
    adjustments = _group(
        Adjustment.objects.filter(result_id__in=result_ids).values(*decided, "kind", "points"),
        "result_id",
    )
    vetoes = _group(Veto.objects.filter(result_id__in=result_ids).values(*decided), "result_id")
    exemptions = _group(
        Exemption.objects.filter(result_id__in=result_ids).values(*decided, "item_id"),
        "result_id",
    )

    inputs: dict[int, Any] = {}
    for result in results:
        quantitative, milestone_items, key_tasks = [], [], []
        for item in items_of.get(result.scorecard_id, []):
            _, item_id, kind, name, weight, aggregation = item[:6]
            if kind == ItemKind.QUANTITATIVE:
                quantitative.append(
                    rules.QuantitativeItem(
                        item_id, name, weight, Tiers(*item[6:]), aggregation,
                        actuals.get(item_id, {}), plans.get(item_id, {}),
                    )
                )  # fmt: skip
            elif kind == ItemKind.MILESTONE:
                lines = []
                for m in milestones.get(item_id, []):
                    key = (result.pk, m["id"])
                    lines.append(
                        rules.MilestoneLine(
                            m["id"], m["name"], m["due_date"],
                            confirmations[key] if key in confirmations else m["completed_on"],
                            m["weight"], key in confirmations,
                        )
                    )  # fmt: skip
                milestone_items.append(rules.MilestoneItem(item_id, name, weight, lines))
            else:
                key_tasks.append(rules.KeyTask(item_id, name, grades.get((result.pk, item_id))))
        inputs[result.pk] = rules.ScoreInput(
            quantitative=quantitative,
            milestones=milestone_items,
            key_tasks=key_tasks,
            adjustments=[
                rules.Adjustment(a["id"], a["kind"], a["points"], a["reason"], a["status"])
                for a in adjustments.get(result.pk, [])
            ],
            vetoes=[
                rules.Veto(v["id"], v["reason"], v["status"]) for v in vetoes.get(result.pk, [])
            ],
            exemptions=[
                rules.Exemption(e["id"], e["item_id"], e["reason"], e["status"])
                for e in exemptions.get(result.pk, [])
            ],
            qualitative=ratings.get(result.pk),
        )
    return inputs


def _set_values(result: AssessmentResult, score: rules.ScoreResult) -> bool:
    """Set the computed values on ``result`` (the explanation as its record); whether a
    score, part, grade or the veto changed."""
    values = {
        "quantitative_part": rules.rounded(score.quantitative_part),
        "qualitative_part": (
            None if score.qualitative_part is None else rules.rounded(score.qualitative_part)
        ),
        "final_score": score.final,
        "grade": str(score.grade),
        "vetoed": score.vetoed,
    }
    changed = any(getattr(result, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(result, name, value)
    result.explanation = score.record
    return changed


def _explained_differently(stored: Any, score: rules.ScoreResult) -> bool:
    """Whether ``stored`` (the explanation as stored: a record, or the full form of a row
    written before records existed) reads differently from the score's. A record written
    by an earlier version of the rules may hold the same explanation in other texts."""
    return stored != score.record and expand(stored) != score.explanation


def _apply(result: AssessmentResult, score: rules.ScoreResult, stored: Any) -> bool:
    """Set the computed values on ``result``; whether anything changed (``stored``: as
    for :func:`_explained_differently`)."""
    return _set_values(result, score) | _explained_differently(stored, score)


def stored_explanations(result_ids: list[int]) -> dict[int, Any]:
    """The explanations of ``result_ids`` as stored (records are not expanded)."""
    raw = Cast("explanation", output_field=JSONField())
    return dict(
        AssessmentResult.objects.filter(pk__in=_ids(result_ids))
        .annotate(raw=raw)
        .values_list("pk", "raw")
    )


def _locked_cycle(cycle_id: int) -> AssessmentCycle | None:
    """The cycle under a shared lock on PostgreSQL (chunks in other processes hold it too;
    finalising, an update, waits for them), under the only lock there is elsewhere."""
    if connection.vendor != "postgresql":
        return AssessmentCycle.objects.select_for_update().filter(pk=cycle_id).first()
    table = AssessmentCycle._meta.db_table
    found = list(
        AssessmentCycle.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [cycle_id])  # noqa: S608
    )
    return found[0] if found else None


def _small_queries() -> None:
    """On PostgreSQL, no parallel workers and no JIT compilation for the rest of the chunk's
    transaction: its queries each read one chunk's rows, and starting gather workers and
    compiling expressions cost the server more CPU than they save on them. The write's
    unnested arrays (a chunk's explanations, some MB) stay in memory instead of a
    temporary file."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL jit = off; "
                "SET LOCAL work_mem = '64MB'"  # the write's arrays of explanations in memory
            )


# What a computation reads of a result on PostgreSQL: its scorecard, the values it computes
# and compares, the digest and the version (the audit rows are copied by SQL, see
# :mod:`assessment.writes`).
COMPUTED_FIELDS = (
    "scorecard", "quantitative_part", "qualitative_part", "final_score", "grade", "vetoed",
    "inputs_digest", "version",
)  # fmt: skip


def _computed_fields(results: QuerySet[AssessmentResult]) -> QuerySet[AssessmentResult]:
    """Only :data:`COMPUTED_FIELDS` on PostgreSQL: the other columns (texts, four dates with
    their time zone) cost the driver and the model more than the scoring of some results.
    Elsewhere every field but the explanation: the history rows are built from the
    instances there."""
    if connection.vendor == "postgresql":
        return results.only(*COMPUTED_FIELDS)
    return results.defer("explanation")


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (and resumed after it, unless it
    was paused already). A chunk builds a few hundred thousand lists, tuples, dictionaries
    and dataclasses that reference counting frees: without the pause each allocation of
    700 of them starts a collection, about 350 a chunk, some of them over every object of
    the process (Django's own included) — a third of the chunk's Python CPU, for garbage
    that has no cycles. What cyclic garbage the chunk leaves is collected once it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compute_chunk(cycle_id: int, unit_ids: list[int], *, now: Any) -> Outcome:
    """Compute the results of ``unit_ids`` in one transaction; refuse a final cycle."""
    with _collector_paused(), transaction.atomic():
        _small_queries()
        cycle = _locked_cycle(cycle_id)
        if cycle is None or cycle.status not in COMPUTABLE_STATUSES:
            return Outcome(refused=True)
        scheme = cycle.rules
        period = cycle.period_span
        results = list(
            _computed_fields(
                AssessmentResult.objects.filter(cycle_id=cycle_id, unit_id__in=unit_ids)
                .select_for_update(of=("self",))
                .order_by("pk")
            )
        )
        inputs = load_inputs(cycle, results)
        digests = Digests(period, scheme)
        started = {r.pk: digests.start(inputs[r.pk]) for r in results}
        # A result never computed (no digest: a first run) is stale without hashing.
        stale = [
            r
            for r in results
            if not r.inputs_digest or digests.finish(started[r.pk], r) != r.inputs_digest
        ]
        changed: list[AssessmentResult] = []
        unchanged: list[AssessmentResult] = []
        # Only the stored explanations of results whose values are the same are read.
        same_values: list[tuple[AssessmentResult, rules.ScoreResult]] = []
        for result in stale:
            score = rules.compute_score(inputs[result.pk], period, scheme)
            if _set_values(result, score):
                changed.append(result)
            else:
                same_values.append((result, score))
        explanations = stored_explanations([r.pk for r, _ in same_values])
        for result, score in same_values:
            (
                changed if _explained_differently(explanations[result.pk], score) else unchanged
            ).append(result)
        for result in changed:
            result.computed_at = now
            result.version += 1
        for result in stale:
            result.inputs_digest = digests.finish(started[result.pk], result)
        if changed:
            write_results(changed, now)
            tallies.refresh(cycle_id, unit_ids)
        if unchanged:  # values as computed before the digest existed: store it, audit nothing
            write_digests(unchanged)
        return Outcome(computed=len(results), changed=len(changed))


def rescore_result(result_id: int, *, now: Any, reason: str, user: Any = None) -> bool:
    """Re-score one result whatever its cycle's step: the path of an appeal that changes a
    final result (its inputs are corrected by whoever registered them, e.g. a qualitative
    provider). Written and audited as a computation is, with ``reason``; whether it changed."""
    with transaction.atomic():
        result = (
            AssessmentResult.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .defer("explanation")
            .get(pk=result_id)
        )
        cycle = result.cycle
        data = load_inputs(cycle, [result])[result.pk]
        score = rules.compute_score(data, cycle.period_span, cycle.rules)
        if not _apply(result, score, stored_explanations([result.pk])[result.pk]):
            return False
        result.inputs_digest = Digests(cycle.period_span, cycle.rules).of(data, result)
        result.computed_at = now
        result.version += 1
        write_results([result], now, reason, user)
        tallies.refresh(result.cycle_id, [result.unit_id])
        return True


def compute_cycle(
    cycle_id: int,
    *,
    now: Any,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = CHUNK,
    processes: int = 1,
) -> Outcome:
    """Compute every result of the cycle, chunk by chunk, in up to ``processes`` processes
    at once (see the module docstring)."""
    chunks = unit_chunks(cycle_id, chunk_size)
    total = Outcome(processes=processes_for(processes, len(chunks)))
    overall = sum(1 for _ in _flatten(chunks))
    done_units = 0
    if progress:
        progress(0, overall)
    work = partial(compute_chunk, cycle_id, now=now)
    with contextlib.closing(chunk_outcomes(work, chunks, processes)) as outcomes:
        for units, outcome in outcomes:
            if outcome.refused:
                total.refused = True
                break
            total.computed += outcome.computed
            total.changed += outcome.changed
            done_units += len(units)
            if progress:
                progress(done_units, overall)
    if not total.refused:
        AssessmentCycle.objects.filter(pk=cycle_id, status__in=COMPUTABLE_STATUSES).update(
            computed_at=now
        )
    return total


def _flatten(chunks: list[list[int]]) -> Iterator[int]:
    for chunk in chunks:
        yield from chunk
