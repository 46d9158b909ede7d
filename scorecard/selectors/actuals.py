"""Reads around monthly actuals. Each starts from ``restrict`` (the one scoping function).

Who may *enter* an item's actuals is wider than the model's ``CHANGE`` rule: besides the
managers, HR, executives and admins over the unit, an employee enters the actuals of their
own scorecard (they are its owner). :func:`entry_q` is that rule, used by pages, the API,
the import and the services alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from org.models import OrgUnit
from org.scoping import CHANGE, SELF, VIEW, scope_of
from scorecard.models import (
    ActualStatus,
    ClosedPeriod,
    ItemKind,
    MonthlyActual,
    ScorecardItem,
)
from spm.sorting import Sorts


def entry_q(user: Any) -> Q | None:
    """Items ``user`` may enter actuals for, as a filter on ``ScorecardItem``; ``None``
    means every item (a superuser)."""
    scope = scope_of(user)
    q = ScorecardItem.objects.all().scope_q(scope, CHANGE)
    if q is None:
        return None
    if scope.employee_id is not None:
        q |= Q(scorecard__employee_id=scope.employee_id)
    return q


def enterable_items(user: Any) -> QuerySet[ScorecardItem]:
    """Quantitative and other items whose actuals ``user`` may enter."""
    if not scope_of(user).is_authenticated:
        return ScorecardItem.objects.none()
    q = entry_q(user)
    return ScorecardItem.objects.all() if q is None else ScorecardItem.objects.filter(q)


def may_enter(user: Any, item_id: int) -> bool:
    return enterable_items(user).filter(pk=item_id).exists()


def may_enter_item(user: Any, item: ScorecardItem) -> bool:
    """:func:`may_enter` for an item read with its scorecard: the owner of the scorecard (an
    arm of :func:`entry_q`) and a superuser are answered without a query."""
    scope = scope_of(user)
    if scope.is_authenticated and (
        scope.superuser
        or (scope.employee_id is not None and item.scorecard.employee_id == scope.employee_id)
    ):
        return True
    return may_enter(user, item.pk)


def item_get(user: Any, pk: Any) -> ScorecardItem:
    """An item the user may see (404 otherwise), with what its pages show (the entry form
    and the audit trail name its scorecard's owner, not its indicator)."""
    return get_object_or_404(
        ScorecardItem.objects.restrict(user, VIEW).select_related(
            "scorecard__unit", "scorecard__employee"
        ),
        pk=pk,
    )


def month_actual(item: ScorecardItem, month: int) -> QuerySet[MonthlyActual]:
    """The actual of ``item`` (fetched through a selector) for ``month``: one row at most.
    Without the model's ordering, which reaches through the item and its scorecard to the
    unit's path and the employee's name: three joins to plan for one row."""
    return MonthlyActual.objects.filter(item=item, month=month).order_by()


def actuals(user: Any, action: str = VIEW) -> QuerySet[MonthlyActual]:
    return MonthlyActual.objects.restrict(user, action)


def actual_get(user: Any, pk: Any, action: str = VIEW) -> MonthlyActual:
    return get_object_or_404(
        actuals(user, action).select_related(
            "item__scorecard__unit", "item__scorecard__employee", "entered_by", "approved_by"
        ),
        pk=pk,
    )


def _can_enter_annotation(user: Any) -> Case | Value:
    q = entry_q(user)
    if q is None:
        return Value(True, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def actual_sorts(month: int) -> Sorts:
    """The actuals list's sortable columns. Value and status are those of ``month``'s
    actual, read through the unique (item, month) index; an item without one sorts last.
    (Colour is the light-up app's, above this one: the list cannot sort by it.) Only the
    default order is read from indexes: the others sort every row of the list, so they are
    ``bounded`` (:func:`spm.sorting.sorted_page`): 1.4 s by item and 11 s by value for HR
    over a group's 900,000 items of a year."""
    # ``order_by()``: without it the subquery would join and sort by the model's ordering.
    of_month = MonthlyActual.objects.filter(item=OuterRef("pk"), month=month).order_by()
    tie = ("scorecard__unit__path", "order", "pk")
    return Sorts(
        columns={
            "scorecard": ("scorecard__unit__path", "scorecard__employee__name", "order", "pk"),
            "owner": (
                Coalesce(F("scorecard__employee__name"), F("scorecard__unit__name")),
                *tie,
            ),
            "item": ("name", *tie),
            "target": (F("target"), *tie),
            "value": (Subquery(of_month.values("value")[:1]), *tie),
            "status": (Subquery(of_month.values("status")[:1]), *tie),
        },
        default="scorecard",
        bounded=frozenset({"owner", "item", "target", "value", "status"}),
    )


class _Unindexed(Func):
    """A text column as a value no index serves (``path || ''``: the same text, so the same
    order)."""

    template = "(%(expressions)s || '')"
    output_field = TextField()


def _in_known_units(user: Any) -> bool:
    """Whether the items ``user`` sees lie in a few units read with the scope (every granted
    subtree's unit ids are known; an employee has none) and the own card: then their rows are
    best found from those units and sorted, not by walking every unit of the group in path
    order until enough rows turn up (the planner's choice for the path order, 14 ms of
    PostgreSQL CPU for a team head's list at 3,262 units)."""
    scope = scope_of(user)
    if scope.superuser:
        return False
    roles = ScorecardItem.objects.all().scope_rules.get(VIEW, frozenset()) - {SELF}
    return all(scope.subtree_ids_of(path) is not None for path in scope.paths(roles))


def _entry_order(user: Any, month: int, sort: str) -> list[Any]:
    """The order ``sort`` means; by unit path, over a few known units, as a sorted value
    (:func:`_in_known_units`)."""
    order = actual_sorts(month).order(sort)
    first = order[0]
    is_path = isinstance(first, str) and first.lstrip("-") == "scorecard__unit__path"
    if is_path and _in_known_units(user):
        path = _Unindexed(F("scorecard__unit__path"))
        order[0] = path.desc() if first.startswith("-") else path.asc()
    return order


def actual_entry_rows(
    user: Any,
    *,
    year: int,
    month: int,
    unit: OrgUnit | None = None,
    text: str = "",
    mine: bool = False,
    sort: str = "scorecard",
) -> QuerySet[ScorecardItem]:
    """The quantitative items of ``year`` in scope, each with ``can_enter``, in the order
    ``sort`` names (see :func:`actual_sorts`). What a page of them shows:
    :func:`entry_rows`."""
    items = (
        ScorecardItem.objects.restrict(user, VIEW)
        .filter(kind=ItemKind.QUANTITATIVE, scorecard__year=year)
        .annotate(can_enter=_can_enter_annotation(user))
        .order_by(*_entry_order(user, month, sort))
    )
    if unit is not None:
        items = items.filter(scorecard__unit__path__startswith=unit.path)
    if text:
        items = items.filter(
            Q(name__icontains=text)
            | Q(scorecard__unit__name__icontains=text)
            | Q(scorecard__employee__name__icontains=text)
        )
    if mine:
        items = items.filter(can_enter=True)
    return items


@dataclass(frozen=True, slots=True)
class EntryActual:
    """The month's actual of a row of the actuals list."""

    value: Decimal
    status: str
    entered_by: str  # the username, "" when nobody is recorded

    @property
    def status_label(self) -> str:
        return str(ActualStatus(self.status).label)


@dataclass(slots=True)
class EntryRow:
    """A row of the actuals list: an item, who owns its scorecard, its actual of the month
    (or ``None``), whether the user may enter it; ``light`` is set by ``attach_lights``."""

    pk: int
    name: str
    target: Decimal | None
    unit_of_measure: str
    owner: str
    can_enter: bool
    actual: EntryActual | None
    light: Any = None


ROW_VALUES = (
    "pk",
    "name",
    "target",
    "unit_of_measure",
    "scorecard__employee__name",
    "scorecard__unit__name",
    "can_enter",
)


def entry_row_values(items: Any) -> QuerySet[Any]:
    """A page of :func:`actual_entry_rows` (the sliced queryset) as plain values, in its
    order: no model instances."""
    return items.values_list(*ROW_VALUES)


def entry_rows(values: Iterable[tuple[Any, ...]], month: int) -> list[EntryRow]:
    """The rows of a page of :func:`entry_row_values` with their actuals of ``month``: one
    query by the unique (item, month) index. (Joined to the page's query instead, the planner
    read every actual of a month that had none yet, 9 million rows, for HR.)"""
    items = list(values)
    found = {
        item: EntryActual(value, status, who or "")
        for item, value, status, who in MonthlyActual.objects.filter(
            item_id__in=[pk for pk, *_rest in items], month=month
        )
        .order_by()
        .values_list("item_id", "value", "status", "entered_by__username")
    }
    rows = []
    for pk, name, target, measure, employee, unit, can_enter in items:
        owner = unit if employee is None else employee
        rows.append(EntryRow(pk, name, target, measure, owner, bool(can_enter), found.get(pk)))
    return rows


def approval_queue(user: Any) -> QuerySet[MonthlyActual]:
    """Submitted actuals the user may approve: in their change scope, not entered by them."""
    return (
        actuals(user, CHANGE)
        .filter(status=ActualStatus.SUBMITTED)
        .exclude(entered_by_id=user.pk)
        .select_related("item__scorecard__unit", "item__scorecard__employee", "entered_by")
        .order_by("item__scorecard__year", "month", "item__scorecard__unit__path", "item__order")
    )


def item_actuals(item: ScorecardItem) -> list[MonthlyActual]:
    """The item's actuals by month (the caller has fetched ``item`` through a selector)."""
    return list(item.actuals.select_related("entered_by", "approved_by").order_by("month"))


@dataclass(frozen=True)
class Change:
    """One audited change of an actual: who, when, and each field before → after."""

    when: datetime.datetime
    who: str
    month: int
    kind: str
    reason: str
    fields: list[tuple[str, str, str]]


AUDITED = ("value", "note", "status", "evidence")


def _shown(name: str, value: Any) -> str:
    """A field's value as the audit page prints it: plain numbers, status labels."""
    if value is None or value == "":
        return ""
    if name == "value":
        return format(Decimal(value).normalize(), "f")
    if name == "status":
        return str(ActualStatus(value).label)
    return str(value)


def actual_changes(item: ScorecardItem) -> list[Change]:
    """Every recorded change of the item's actuals, newest first, with before and after.

    One query: the history rows of all months, paired in memory with the row before.
    """
    rows = (
        MonthlyActual.history.filter(item_id=item.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    changes: list[Change] = []
    for row in rows:
        before = previous.get(row.id)
        fields = []
        for name in AUDITED:
            label = str(getattr(MonthlyActual._meta.get_field(name), "verbose_name", name))
            after_value = _shown(name, getattr(row, name))
            before_value = _shown(name, getattr(before, name)) if before is not None else ""
            if before is None and not after_value:
                continue
            if before is None or before_value != after_value:
                fields.append((label, before_value, after_value))
        previous[row.id] = row
        if not fields and before is not None:
            continue
        changes.append(
            Change(
                when=row.history_date,
                who=row.history_user.get_username() if row.history_user else "",
                month=row.month,
                kind=row.history_type,
                reason=row.history_change_reason or "",
                fields=fields,
            )
        )
    changes.reverse()
    return changes


def closed_periods(year: int) -> QuerySet[ClosedPeriod]:
    return ClosedPeriod.objects.filter(year=year).select_related("closed_by")


def template_items(user: Any, year: int) -> QuerySet[ScorecardItem]:
    """The quantitative items an import template lists: those the user may enter."""
    return (
        enterable_items(user)
        .filter(kind=ItemKind.QUANTITATIVE, scorecard__year=year)
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("scorecard__unit__path", "scorecard__employee__name", "order", "pk")
    )
