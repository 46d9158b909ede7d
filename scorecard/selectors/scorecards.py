"""Reads of scorecards and items that a user makes. Each starts from ``restrict``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from org.models import Employee, OrgUnit
from org.scoping import CHANGE, VIEW, scope_of
from scorecard.models import (
    ItemKind,
    LetterStatus,
    Milestone,
    ResponsibilityLetter,
    Scorecard,
    ScorecardItem,
    ScorecardQuerySet,
)
from scorecard.selectors.duties import is_own_card

ZERO = Value(0, output_field=DecimalField(max_digits=7, decimal_places=2))


def scorecards(user: Any, action: str = VIEW) -> QuerySet[Scorecard]:
    return Scorecard.objects.restrict(user, action)


def scorecard_get(user: Any, pk: Any, action: str = VIEW) -> Scorecard:
    return get_object_or_404(
        scorecards(user, action).select_related("unit", "employee", "plan"), pk=pk
    )


def may_change(user: Any, scorecard: Scorecard) -> bool:
    """Whether ``user`` may change ``scorecard``'s goals: in their change scope, and not
    their own goals (their card, their unit's card: ``scorecard.selectors.duties``)."""
    return Scorecard.objects.can(user, CHANGE, scorecard.pk) and not is_own_card(user, scorecard)


def changeable_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose scorecards ``user`` may create and edit."""
    roles = ScorecardQuerySet.scope_rules[CHANGE]
    return (
        OrgUnit.objects.filter(active=True).filter(scope_of(user).units_q(roles)).order_by("path")
    )


def _item_count(card: str) -> Coalesce:
    sub = (
        ScorecardItem.objects.filter(scorecard=OuterRef(card))
        .order_by()
        .values("scorecard")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), 0)


def _weight_total(card: str) -> Coalesce:
    sub = (
        ScorecardItem.objects.filter(scorecard=OuterRef(card))
        .exclude(kind=ItemKind.KEY_TASK)
        .order_by()
        .values("scorecard")
        .annotate(w=Sum("weight"))
        .values("w")
    )
    return Coalesce(Subquery(sub, output_field=DecimalField(max_digits=7, decimal_places=2)), ZERO)


def _letter_status(card: str) -> Subquery:
    sub = (
        ResponsibilityLetter.objects.filter(scorecard=OuterRef(card))
        .exclude(status=LetterStatus.SUPERSEDED)
        .order_by("-version")
        .values("status")[:1]
    )
    return Subquery(sub)


def with_summary(cards: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    """Item count, weight total and current letter status, without a join fan-out."""
    return cards.annotate(
        item_count=_item_count("pk"),
        weight_total=_weight_total("pk"),
        letter_status=_letter_status("pk"),
    ).select_related("unit", "employee")


def own_card_summary(user: Any, employee_id: int, year: int) -> Scorecard | None:
    """The home page's line about one's own card: its status, item count and letter
    status (not the weight total nor the unit and employee :func:`with_summary` joins)."""
    return (
        scorecards(user)
        .filter(employee_id=employee_id, year=year)
        .annotate(item_count=_item_count("pk"), letter_status=_letter_status("pk"))
        .only("pk", "status")
        .order_by("pk")
        .first()
    )


def scorecard_browse(
    user: Any,
    *,
    year: int | None = None,
    unit: OrgUnit | None = None,
    owner: str = "",
    status: str = "",
    text: str = "",
) -> QuerySet[Scorecard]:
    """Scorecards in scope, filtered and in the list's order (without their summary: see
    :func:`with_summary_in_order`); ``unit`` means the unit and everything under it,
    ``owner`` is ``"unit"`` or ``"employee"``."""
    qs = scorecards(user)
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if owner == "unit":
        qs = qs.filter(employee__isnull=True)
    elif owner == "employee":
        qs = qs.filter(employee__isnull=False)
    if status:
        qs = qs.filter(status=status)
    if text:
        qs = qs.filter(
            Q(unit__name__icontains=text)
            | Q(unit__code__icontains=text)
            | Q(employee__name__icontains=text)
            | Q(employee__employee_no__icontains=text)
        )
    return qs.order_by("-year", "unit__path", "employee__name", "pk")


def with_summary_in_order(ids: list[int]) -> list[Scorecard]:
    """The scorecards ``ids`` (one page of :func:`scorecard_browse`), with their summary, in
    that order. The page's ids come first: annotated, the whole list's subqueries ran for
    every card in scope before the sort picked 50 (seconds for a group)."""
    cards = {c.pk: c for c in with_summary(Scorecard.objects.filter(pk__in=ids))}
    return [cards[pk] for pk in ids if pk in cards]


YEAR_PROBES = 40


def years(user: Any, this_year: int) -> list[int]:
    """The years with scorecards ``user`` can see, and ``this_year``, newest first.

    The first and last year come from the ends of the year index; then one ``EXISTS`` per
    year between them (all in one statement), each written with its year, stops at the
    first visible card (a ``DISTINCT`` read every card in scope: 100,000 for HR). A span wider than
    ``YEAR_PROBES`` falls back to the ``DISTINCT``."""
    found = {this_year}
    bounds = Scorecard.objects.aggregate(low=Min("year"), high=Max("year"))
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return [this_year]
    if high - low >= YEAR_PROBES:
        found |= set(scorecards(user).order_by().values_list("year", flat=True).distinct())
    else:
        span = range(low, high + 1)
        found |= {year for year, seen in zip(span, _probe_years(user, span), strict=True) if seen}
    return sorted(found, reverse=True)


# A year no card has (within the column's range: the ORM finds no row at all for a value
# outside it), where the probe's year goes.
YEAR_MARK = 32_109


def _probe_years(user: Any, span: range) -> tuple[Any, ...]:
    """Whether ``user`` sees a card of each year of ``span``: one ``EXISTS`` a year, in one
    statement. The ORM builds the probe once, for a marked year, and each year's copy puts
    its year in the mark's place: building an ``EXISTS`` of the scope's filter for every
    year took the ORM as long as the rest of the year list."""
    visible = scorecards(user)
    probe = visible.filter(year=YEAR_MARK).order_by().values("pk")[:1]
    try:
        sql, params = probe.query.sql_with_params()
    except EmptyResultSet:  # a scope that sees nothing
        return (False,) * len(span)
    if list(params).count(YEAR_MARK) != 1:  # not only the year's: each probe built whole
        probes = {f"y{y}": Exists(visible.filter(year=y)) for y in span}
        row = Scorecard.objects.order_by().annotate(**probes).values_list(*probes)[:1].get()
        return tuple(row)
    statement = "SELECT " + ", ".join([f"EXISTS({sql})"] * len(span))
    values = [year if p == YEAR_MARK else p for year in span for p in params]
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        return tuple(cursor.fetchone())


# --- A unit's page: its scorecards, its sub-units, its team, its hand-overs --------------


def _with_card(qs: QuerySet[Any], year: int, visible: QuerySet[Scorecard]) -> QuerySet[Any]:
    """Annotate each row (a unit or a person) with its scorecard of ``year`` among
    ``visible`` (id, status, items, weights). The card is joined once (there is at most one
    a year: the unique constraints) rather than looked up again by each annotation."""
    return qs.annotate(
        card=FilteredRelation(
            "scorecards",
            condition=Q(
                scorecards__year=year, scorecards__pk__in=Subquery(visible.order_by().values("pk"))
            ),
        ),
        card_id=F("card__id"),
        card_status=F("card__status"),
    ).annotate(card_items=_item_count("card_id"), card_weight=_weight_total("card_id"))


def unit_card(user: Any, unit: OrgUnit, year: int) -> tuple[Scorecard | None, list[ScorecardItem]]:
    """The unit's scorecard of ``year`` as its page shows it, and its items with a light
    (all but key tasks), in two queries: the card with its letter's status, then its items,
    which give the item count and the weight total (:func:`with_summary` counts them with
    two subqueries besides)."""
    card = (
        scorecards(user)
        .filter(unit=unit, employee__isnull=True, year=year)
        .annotate(letter_status=_letter_status("pk"))
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if card is None:
        return None, []
    items = list(
        ScorecardItem.objects.filter(scorecard=card)
        .order_by("order", "pk")
        .only("pk", "name", "kind", "weight", "scorecard_id")
    )
    lit = [item for item in items if item.kind != ItemKind.KEY_TASK]
    card.item_count = len(items)  # type: ignore[attr-defined]
    card.weight_total = sum((item.weight for item in lit), Decimal(0))  # type: ignore[attr-defined]
    return card, lit


def sub_unit_cards(user: Any, unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The unit's direct sub-units in scope, each with its scorecard of ``year``. Their ids
    first: most units (teams) have none, and the query of the cards takes the ORM three
    times as long to build as the one that finds there are none."""
    ids = list(
        OrgUnit.objects.restrict(user)
        .filter(parent=unit, active=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    visible = scorecards(user).filter(employee__isnull=True, year=year)
    units = OrgUnit.objects.filter(pk__in=ids)
    return list(_with_card(units, year, visible).order_by("sort_order", "name"))


def team(user: Any, unit: OrgUnit) -> QuerySet[Employee]:
    """The people working in the unit, in scope (what the team's pager counts)."""
    return Employee.objects.restrict(user).filter(unit=unit, active=True)


def team_cards(user: Any, unit: OrgUnit, year: int) -> QuerySet[Employee]:
    """The people working in the unit, in scope, each with their scorecard of ``year``."""
    people = team(user, unit).only("name", "job_title")  # what a row shows of them
    visible = scorecards(user).filter(employee__isnull=False, year=year)
    return _with_card(people, year, visible).order_by("name", "employee_no")


def hand_overs(user: Any, unit: OrgUnit, year: int, limit: int = 100) -> list[Milestone]:
    """Milestones the unit is responsible for or takes over, on the units' scorecards of
    ``year``. A milestone carried down the cascade is shown once, as the highest unit set it."""
    rows = (
        Milestone.objects.restrict(user)
        .filter(
            Q(responsible_unit=unit) | Q(counterpart_unit=unit),
            item__scorecard__year=year,
            item__scorecard__employee__isnull=True,
        )
        # No employee to join: only units' scorecards (their ``owner_name`` is the unit's).
        .select_related("item__scorecard__unit", "responsible_unit", "counterpart_unit")
        .order_by("due_date", "item__scorecard__unit__depth", "pk")
        # What a line shows: not the item's goal, nor the cards' and units' every column.
        .only(
            "name",
            "due_date",
            "completed_on",
            "responsible_unit__name",
            "counterpart_unit__name",
            "item__name",
            "item__scorecard__employee_id",
            "item__scorecard__unit__name",
        )
    )
    seen: set[tuple[Any, ...]] = set()
    found: list[Milestone] = []
    for m in rows[: limit * 4]:
        key = (m.name, m.due_date, m.responsible_unit_id, m.counterpart_unit_id)
        if key not in seen:
            seen.add(key)
            found.append(m)
    return found[:limit]
