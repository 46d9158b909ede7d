"""The kept tallies of a cycle's results by unit (:class:`assessment.models.ResultTally`).

The cycle dashboard, calibration and the distribution by unit show how many results a
reader sees, how far they are through the steps and their grades. Counting them from the
results read every result of the cycle on each request (100,000 at the size this product
is for); the tallies count them per (cycle, unit) as the results are written, and a page
adds up a row per unit.

Kept in the transaction of every write that changes what they count:

- a result or a qualitative rating saved or deleted — services, admin, fixtures and tests'
  factories alike — through signals connected in ``assessment.apps`` (the unit and the
  cycle the row was in are refreshed too when it moves);
- the bulk writers that skip signals call :func:`refresh` themselves: opening a cycle
  (its empty results), each chunk of a computation and a re-score.

Each refresh recounts its units from the results under a lock per unit
(:func:`spm.locks.lock_units`), so two writers of one unit run one after the other and the
second counts what the first committed: a tally always equals a fresh count.

A reader's own results are not in the tallies of their scope the way the pages show them
(:func:`assessment.selectors.scored_results`: before publication nobody sees the scores of
their own result; once published an employee sees theirs even outside the units they
see): :func:`in_scope` and :func:`by_child` correct the sums by those few rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import StrIndex, Substr

from assessment.models import (
    GRADE_ORDER_VALUES,
    AssessmentCycle,
    AssessmentResult,
    CycleStatus,
    QualitativeRating,
    ResultTally,
    ResultTallyQuerySet,
)
from org.models import OrgUnit
from org.scoping import VIEW, scope_of
from spm.locks import lock_units

# What a tally counts, in the order of its fields.
COUNTS: tuple[str, ...] = (
    "results",
    "computed",
    "self_assessed",
    "reviewed",
    "rated",
    "acknowledged",
    *GRADE_ORDER_VALUES,
)
# Fields of a result whose change can change a tally (a save of others cannot).
TALLIED_FIELDS = frozenset(
    {
        "cycle",
        "cycle_id",
        "unit",
        "unit_id",
        "final_score",
        "grade",
        "calibrated_grade",
        "self_assessed_at",
        "reviewed_at",
        "acknowledged_at",
    }
)
# The (cycle, unit) a row was in before a save, to refresh it too when the row moves.
STORED = "_tally_stored_key"


def counting() -> dict[str, Any]:
    """The aggregates of a tally over some results: a computed result counts under the
    grade that counts (the calibrated one where calibration changed it)."""
    computed = Q(final_score__isnull=False)
    return {
        "results": Count("id"),
        "computed": Count("id", filter=computed),
        "self_assessed": Count("id", filter=Q(self_assessed_at__isnull=False)),
        "reviewed": Count("id", filter=Q(reviewed_at__isnull=False)),
        "rated": Count(
            "id", filter=Q(Exists(QualitativeRating.objects.filter(result=OuterRef("pk"))))
        ),
        "acknowledged": Count("id", filter=Q(acknowledged_at__isnull=False)),
        **{
            g: Count(
                "id",
                filter=computed & (Q(calibrated_grade=g) | Q(calibrated_grade="", grade=g)),
            )
            for g in GRADE_ORDER_VALUES
        },
    }


def fresh(cycle_id: int, unit_ids: Iterable[int] | None = None) -> list[ResultTally]:
    """The tallies as counted now from the results (of ``unit_ids`` only, if given)."""
    rows = AssessmentResult.objects.filter(cycle_id=cycle_id)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    return [
        ResultTally(cycle_id=cycle_id, **row)
        for row in rows.order_by().values("unit_id").annotate(**counting())
    ]


def refresh(cycle_id: int | None, unit_ids: Iterable[int | None] | None = None) -> None:
    """Recount the cycle's tallies of ``unit_ids`` (every unit with a result or a tally if
    None); call it in the transaction that changed their results."""
    if cycle_id is None:
        return
    if unit_ids is None:
        units = set(
            AssessmentResult.objects.filter(cycle_id=cycle_id)
            .order_by()
            .values_list("unit_id", flat=True)
            .distinct()
        )
        units |= set(
            ResultTally.objects.filter(cycle_id=cycle_id).values_list("unit_id", flat=True)
        )
    else:
        units = {pk for pk in unit_ids if pk is not None}
    if not units:
        return
    ordered = sorted(units)
    # in the caller's transaction (no savepoint); in one of its own when there is none,
    # so the lock is held until the rows are written
    with transaction.atomic(savepoint=False):
        lock_units(ResultTally._meta.db_table, ordered)
        ResultTally.objects.filter(cycle_id=cycle_id, unit_id__in=ordered).delete()
        ResultTally.objects.bulk_create(fresh(cycle_id, ordered), batch_size=1000)


# -- receivers (connected in ``assessment.apps``) ---------------------------------------------


def _tallied(kwargs: dict[str, Any]) -> bool:
    fields = kwargs.get("update_fields")
    return fields is None or bool(TALLIED_FIELDS & set(fields))


def result_saving(sender: Any, instance: AssessmentResult, **kwargs: Any) -> None:
    """Before a result's save: the (cycle, unit) the row is in now, read from the row."""
    if instance.pk is not None and _tallied(kwargs):
        stored = AssessmentResult.objects.filter(pk=instance.pk).values_list("cycle_id", "unit_id")
        setattr(instance, STORED, stored.first())


def result_saved(sender: Any, instance: AssessmentResult, **kwargs: Any) -> None:
    if not _tallied(kwargs):
        return
    refresh(instance.cycle_id, [instance.unit_id])
    stored = instance.__dict__.pop(STORED, None)
    if stored is not None and stored != (instance.cycle_id, instance.unit_id):
        refresh(stored[0], [stored[1]])


def _cascaded_from_cycle(kwargs: dict[str, Any]) -> bool:
    """Whether a delete comes from deleting cycles: their tallies go with them."""
    origin = kwargs.get("origin")
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is AssessmentCycle


def result_deleted(sender: Any, instance: AssessmentResult, **kwargs: Any) -> None:
    if not _cascaded_from_cycle(kwargs):
        refresh(instance.cycle_id, [instance.unit_id])


def _refresh_result(result_id: int | None) -> None:
    if result_id is None:
        return
    key = AssessmentResult.objects.filter(pk=result_id).values_list("cycle_id", "unit_id").first()
    if key is not None:
        refresh(key[0], [key[1]])


def rating_saving(sender: Any, instance: QualitativeRating, **kwargs: Any) -> None:
    if instance.pk is not None:
        stored = QualitativeRating.objects.filter(pk=instance.pk).values_list(
            "result_id", flat=True
        )
        setattr(instance, STORED, stored.first())


def rating_saved(sender: Any, instance: QualitativeRating, created: bool, **kwargs: Any) -> None:
    """A rating counts its result as rated: a new one, or one moved to another result."""
    stored = instance.__dict__.pop(STORED, None)
    if created or stored != instance.result_id:
        _refresh_result(instance.result_id)
        if stored is not None and stored != instance.result_id:
            _refresh_result(stored)


def rating_deleted(sender: Any, instance: QualitativeRating, **kwargs: Any) -> None:
    if not _cascaded_from_cycle(kwargs):
        _refresh_result(instance.result_id)


# -- reading -----------------------------------------------------------------------------------

# The roles whose units' tallies a reader adds up: those that see the units' results.
TALLY_ROLES = ResultTallyQuerySet.scope_rules[VIEW]


def _own_corrections(
    user: Any, cycle: AssessmentCycle, path: str | None
) -> list[tuple[str, Counter[str]]]:
    """What the tallies of ``user``'s scope count and the pages do not show, or the other
    way round, among the user's own results (the employee's, or their unit's as its head)
    under ``path``: (the result's unit path, the counts to add) — at most a few rows."""
    scope = scope_of(user)
    me = scope.employee_id
    if me is None:
        return []
    mine = AssessmentResult.objects.filter(cycle=cycle).order_by().values("pk")
    # two index lookups (an OR of the two would scan the cycle's unit results)
    own = AssessmentResult.objects.filter(
        pk__in=mine.filter(employee_id=me).union(
            mine.filter(employee__isnull=True, unit__head_id=me), all=True
        )
    )
    if path is not None:
        own = own.filter(unit__path__startswith=path)
    published = cycle.status == CycleStatus.PUBLISHED
    corrections = []
    for row in own.order_by().values("pk", "employee_id", "unit__path").annotate(**counting()):
        counted = scope.covers(row["unit__path"], TALLY_ROLES)
        # before publication nobody sees their own; after, the employee sees theirs
        shown = published and (counted or row["employee_id"] == me)
        sign = int(shown) - int(counted)
        if sign:
            corrections.append((row["unit__path"], Counter({f: sign * row[f] for f in COUNTS})))
    return corrections


def in_scope(user: Any, cycle: AssessmentCycle, within: OrgUnit | None = None) -> dict[str, int]:
    """The counts of the cycle's results ``user`` sees with their scores (in ``within``'s
    subtree, if given) — what counting ``scored_results(user, cycle)`` gives, in two
    queries over a row per unit and the user's own results."""
    tallies = ResultTally.objects.restrict(user).filter(cycle=cycle)
    path = within.path if within is not None else None
    if path is not None:
        tallies = tallies.filter(unit__path__startswith=path)
    got = tallies.aggregate(**{f: Sum(f) for f in COUNTS})
    total: Counter[str] = Counter({f: got[f] or 0 for f in COUNTS})
    for _, delta in _own_corrections(user, cycle, path):
        total.update(delta)
    return {f: total[f] for f in COUNTS}


def by_child(user: Any, cycle: AssessmentCycle, parent: OrgUnit) -> dict[str, dict[str, int]]:
    """The counts of :func:`in_scope` in ``parent``'s subtree by the child of ``parent``
    each result lies under (keyed by the child's path; ``parent.path`` for the results of
    ``parent`` itself): the database adds up the units of each child's subtree, one row
    per child."""
    start = len(parent.path) + 1
    # the child's path: the parent's, then the next id down and its slash
    child = Substr(
        "unit__path",
        1,
        len(parent.path) + StrIndex(Substr("unit__path", start), Value("/")),
    )
    tallies = (
        ResultTally.objects.restrict(user)
        .filter(cycle=cycle, unit__path__startswith=parent.path)
        .annotate(child=child)
        .order_by()
        .values("child")
    )
    table: dict[str, Counter[str]] = {}
    for row in tallies.annotate(**{f"n_{f}": Sum(f) for f in COUNTS}):
        table[row["child"]] = Counter({f: row[f"n_{f}"] or 0 for f in COUNTS})
    for unit_path, delta in _own_corrections(user, cycle, parent.path):
        step = unit_path[len(parent.path) :].split("/", 1)[0]
        key = f"{parent.path}{step}/" if step else parent.path
        table.setdefault(key, Counter()).update(delta)
    return {key: {f: counts[f] for f in COUNTS} for key, counts in table.items()}
