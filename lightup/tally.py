"""The light tallies: each unit's lights of a month counted by colour (``LightTally``), and
its unit-scorecard lights per objective (``ObjectiveTally``).

Written by whatever writes lights, in the same transaction — the sweep, chunk by chunk (on
PostgreSQL counted from the rows the chunk's statement writes, :mod:`lightup.sweep_sql`),
an item's edit or deletion — each holding the units' lock (:func:`lock_units`) — and read
by :func:`colour_counts_in_scope`, which answers exactly what counting the viewer's lights
(``LightStatus.objects.restrict(user)``) answers: the tallies of the units in the viewer's
subtrees, plus the viewer's own lights outside them (their scorecard, their unit's signed
one), counted directly — a handful of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from lightup import rules
from lightup.models import LightStatus, LightTally, ObjectiveTally
from lightup.rules import ZERO
from org.scoping import SELF, VIEW, scope_of
from spm import locks
from spm.bulk import insert_query

# What both objective roll-ups read of a colour's items: their weights above zero (the
# weighted roll-up skips the others), summed.
POSITIVE_WEIGHT = Coalesce(
    Sum("item__weight", filter=Q(item__weight__gt=0)), Value(ZERO, output_field=DecimalField())
)


def lock_units(unit_ids: Iterable[int]) -> None:
    """Hold the lock of ``unit_ids``' lights and tallies until the transaction ends: taken
    first by every writer of them (a sweep chunk, an item's edit or deletion), so two
    writers of one unit run one after the other and each reads what the other committed.

    Without it two sweeps of the same units (two imports of one month, each re-sweeping
    it) both deleted the units' tally rows and then both inserted them: the second failed
    on the unique key. PostgreSQL advisory locks, keyed by (the tally table, the unit),
    taken in ascending unit order, so writers of overlapping units never deadlock. Other
    databases (SQLite) let one writer at a time in anyway.
    """
    locks.lock_units(LightTally._meta.db_table, unit_ids)


def tally_refresh(
    unit_ids: Iterable[int], *, year: int | None = None, month: int | None = None
) -> None:
    """Recount both tallies of ``unit_ids`` (of ``year``/``month``, or of every month) from
    the lights; run it inside the transaction that wrote the lights."""
    units = sorted(set(unit_ids))
    if not units:
        return
    lock_units(units)
    period: dict[str, int] = {}
    if year is not None:
        period["year"] = year
    if month is not None:
        period["month"] = month
    lights = LightStatus.objects.filter(item__scorecard__unit_id__in=units, **period).order_by()
    LightTally.objects.filter(unit_id__in=units, **period).delete()
    insert_query(
        LightTally,
        ["unit_id", "year", "month", "colour", "lights"],
        lights.values_list("item__scorecard__unit_id", "year", "month", "colour").annotate(
            n=Count("pk")
        ),
    )
    ObjectiveTally.objects.filter(unit_id__in=units, **period).delete()
    linked = lights.filter(item__scorecard__employee__isnull=True, item__objective__isnull=False)
    insert_query(
        ObjectiveTally,
        ["unit_id", "objective_id", "year", "month", "colour", "lights", "weight"],
        linked.values_list(
            "item__scorecard__unit_id", "item__objective_id", "year", "month", "colour"
        ).annotate(n=Count("pk"), weight=POSITIVE_WEIGHT),
    )


def _in_scope(
    user: Any, year: int, months: list[int], unit_path: str | None = None, colour: str = ""
) -> tuple[QuerySet[LightTally], QuerySet[LightStatus]] | None:
    """The tallies of ``months`` of the units in ``user``'s subtrees and the viewer's own lights
    outside them (their scorecard, their unit's signed one): together exactly the lights
    ``LightStatus.objects.restrict(user)`` holds, each counted once; within the subtree at
    ``unit_path`` and of ``colour`` when given. None for a user who sees nothing."""
    scope = scope_of(user)
    if not scope.is_authenticated:
        return None
    tallies = LightTally.objects.filter(year=year, month__in=months)
    own = LightStatus.objects.none()
    roles = LightStatus.objects.all().scope_rules.get(VIEW, frozenset())
    if not scope.superuser:
        tallies = tallies.filter(scope.units_q(roles, "unit"))
        if SELF in roles and scope.employee_id is not None:
            own = (
                LightStatus.objects.filter(year=year, month__in=months)
                .filter(LightStatus.objects.all().self_q(scope))
                .exclude(scope.units_q(roles, "item__scorecard__unit"))
            )
    if unit_path is not None:
        tallies = tallies.filter(unit__path__startswith=unit_path)
        own = own.filter(item__scorecard__unit__path__startswith=unit_path)
    if colour:
        tallies = tallies.filter(colour=colour)
        own = own.filter(colour=colour)
    return tallies.order_by(), own.order_by()


def colour_counts_in_scope(user: Any, year: int, month: int) -> dict[str, int]:
    """How many of the month's lights ``user`` may see carry each colour (every colour
    present): the same figures as counting ``LightStatus.objects.restrict(user)``, in two
    small queries."""
    counts = dict.fromkeys(rules.COLOURS, 0)
    found = _in_scope(user, year, [month])
    if found is None:
        return counts
    tallies, own = found
    for colour, n in tallies.values_list("colour").annotate(n=Sum("lights")):
        counts[colour] += n
    for colour, n in own.values_list("colour").annotate(n=Count("pk")):
        counts[colour] += n
    return counts


@dataclass
class UnitLights:
    """One unit's lights of a month that a viewer may see."""

    unit_id: int
    path: str
    name: str
    depth: int
    total: int = 0
    # A unit of the viewer's subtrees (counted from its tallies): every light of it is the
    # viewer's to see, so its lights need no scoping filter. Else only the viewer's own.
    whole: bool = False


@dataclass
class LightsInScope:
    """What a viewer may see of some months' lights: each month's count by colour, and the
    units holding lights of the last of them, in tree order, each with its count."""

    counts: dict[int, dict[str, int]]
    units: list[UnitLights]


def lights_in_scope(
    user: Any, year: int, months: list[int], unit_path: str | None = None, colour: str = ""
) -> LightsInScope:
    """The lights of ``months`` that ``user`` may see (within the subtree at ``unit_path``,
    of ``colour`` when given) counted by colour, and those of the last month by unit: what
    grouping ``LightStatus.objects.restrict(user)`` answers, read from the tallies (a few
    thousand rows for the whole group rather than a million lights) in three queries — the
    units of the month, the months by colour, the viewer's own lights outside their
    subtrees — and one row per unit reaches Python."""
    counts = {month: dict.fromkeys(rules.COLOURS, 0) for month in months}
    found = _in_scope(user, year, months, unit_path, colour)
    if found is None:
        return LightsInScope(counts, [])
    tallies, own = found
    month = months[-1]
    fields = ("unit__path", "unit__name", "unit__depth")
    units = {
        unit_id: UnitLights(unit_id, path, name, depth, n, whole=True)
        for unit_id, path, name, depth, n in tallies.filter(month=month)
        .values_list("unit_id", *fields)
        .annotate(n=Sum("lights"))
    }
    for month_, colour_, n in tallies.values_list("month", "colour").annotate(n=Sum("lights")):
        counts[month_][colour_] += n
    for month_, unit_id, path, name, depth, colour_, n in own.values_list(
        "month", "item__scorecard__unit_id", *(f"item__scorecard__{f}" for f in fields), "colour"
    ).annotate(n=Count("pk")):
        counts[month_][colour_] += n
        if month_ == month:
            units.setdefault(unit_id, UnitLights(unit_id, path, name, depth)).total += n
    return LightsInScope(
        counts, sorted((u for u in units.values() if u.total), key=lambda u: (u.path, u.unit_id))
    )
