"""Reads of the light-up, each starting from the org scoping (``restrict``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from lightup import rules
from lightup.models import LightStatus
from lightup.providers import latest_month, objective_colours
from lightup.tally import UnitLights, lights_in_scope
from org.scoping import VIEW
from spm.paginator import capped_page


def latest_period() -> tuple[int, int] | None:
    return latest_month()


def statuses(user: Any, action: str = VIEW) -> QuerySet[LightStatus]:
    return LightStatus.objects.restrict(user, action)


def colour_counts(rows: QuerySet[LightStatus]) -> dict[str, int]:
    """How many rows carry each colour (every colour present); one grouped query."""
    counts = dict.fromkeys(rules.COLOURS, 0)
    for colour, n in rows.order_by().values_list("colour").annotate(n=Count("pk")):
        counts[colour] = n
    return counts


@dataclass(frozen=True)
class BoardFilters:
    year: int
    month: int
    perspective: int | None = None
    unit: int | None = None
    colour: str = ""
    owner: str = ""
    # A cell of the grid, for its drill-down to the list: the unit's own scorecards (not
    # its subtree) and one column (an indicator, else an item name).
    only_unit: int | None = None
    indicator: int | None = None
    item: str = ""


def board_rows(
    user: Any, filters: BoardFilters, months: list[int] | None = None, *, scoped: bool = True
) -> QuerySet[LightStatus]:
    """The light board: the month's lights (or those of ``months``) in ``user``'s scope,
    filtered. ``scoped=False`` leaves the scope out, for a caller that narrows the rows to
    units whose every light ``user`` sees (:attr:`lightup.tally.UnitLights.whole`)."""
    rows: QuerySet[LightStatus] = statuses(user) if scoped else LightStatus.objects.all()
    rows = rows.filter(year=filters.year, month__in=months or [filters.month])
    if filters.perspective:
        rows = rows.filter(item__objective__perspective_id=filters.perspective)
    if filters.unit:
        rows = rows.within(filters.unit)  # type: ignore[attr-defined]
    if filters.only_unit:
        rows = rows.filter(item__scorecard__unit_id=filters.only_unit)
    if filters.indicator:
        rows = rows.filter(item__indicator_id=filters.indicator)
    elif filters.item:
        rows = rows.filter(item__indicator__isnull=True, item__name=filters.item)
    if filters.colour in rules.COLOURS:
        rows = rows.filter(colour=filters.colour)
    if filters.owner:
        rows = rows.filter(
            Q(item__scorecard__employee__name__icontains=filters.owner)
            | Q(
                item__scorecard__employee__isnull=True,
                item__scorecard__unit__name__icontains=filters.owner,
            )
        )
    return rows


@dataclass(frozen=True)
class BoardTally:
    """The board's counts by colour, this month and the month before (in January none), and
    its units with their lights, read from the tallies: what the counts, the grid's rows
    and the list's pages need, without counting a million lights for a viewer of the whole
    group."""

    counts: dict[str, int]
    before_counts: dict[str, int]
    units: list[UnitLights]


def board_tally(user: Any, filters: BoardFilters) -> BoardTally | None:
    """The board from the tallies, when its filters are those the tallies keep (the month,
    a unit's subtree, a colour); None when the lights themselves must be counted (a
    perspective, an owner, a cell of the grid)."""
    from org.models import OrgUnit

    if (
        filters.perspective
        or filters.owner
        or filters.only_unit
        or filters.indicator
        or filters.item
    ):
        return None
    path = None
    if filters.unit:
        path = OrgUnit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        if path is None:
            none = dict.fromkeys(rules.COLOURS, 0)
            return BoardTally(none, dict(none) if filters.month > 1 else {}, [])
    months = [filters.month - 1, filters.month] if filters.month > 1 else [filters.month]
    found = lights_in_scope(user, filters.year, months, path, filters.colour)
    return BoardTally(
        found.counts[filters.month], found.counts.get(filters.month - 1, {}), found.units
    )


def board_page(
    user: Any, filters: BoardFilters, number: Any, size: int, tally: BoardTally | None
) -> Page[Any]:
    """A page of the board's list (``get_page`` semantics) in unit, owner and item order.

    From the tallies, the units are walked in tree order, adding up their lights, to the
    few whose lights fall on the page: only theirs are read and sorted, and the page count
    is exact. Otherwise the lights are counted up to the pager's cap."""
    rows = with_board_details(board_rows(user, filters), filters)
    if tally is None:
        return capped_page(rows, size, number)
    page: Page[Any] = Paginator(range(sum(u.total for u in tally.units)), size).get_page(number)
    start, end = page.start_index() - 1, page.end_index()
    window: list[int] = []
    skipped = seen = 0
    for unit in tally.units:
        if seen < end and seen + unit.total > start:
            if not window:
                skipped = seen
            window.append(unit.unit_id)
        seen += unit.total
    page.object_list = (
        list(rows.filter(item__scorecard__unit_id__in=window)[start - skipped : end - skipped])
        if window
        else []
    )
    return page


def with_board_details(rows: QuerySet[LightStatus], filters: BoardFilters) -> QuerySet[LightStatus]:
    previous = (
        LightStatus.objects.filter(
            item=OuterRef("item"), year=filters.year, month=filters.month - 1
        ).values("colour")[:1]
        if filters.month > 1
        else None
    )
    rows = rows.select_related(
        "item__scorecard__unit",
        "item__scorecard__employee",
        "item__objective__perspective",
        "item__indicator",
    ).order_by(
        "item__scorecard__unit__path", "item__scorecard__employee__name", "item__order", "item_id"
    )
    if previous is not None:
        rows = rows.annotate(previous_colour=Subquery(previous))
    return rows


def change_of(previous: str | None, current: str) -> str:
    """ "better", "worse", "same" or "" (no reading last month or a grey one)."""
    if not previous or previous == rules.GREY or current == rules.GREY:
        return ""
    now, before = rules.SEVERITY[current], rules.SEVERITY[previous]
    return "worse" if now > before else "better" if now < before else "same"


def objective_summary(user: Any, period: tuple[int, int]) -> dict[str, Any]:
    """Objectives of the current plan by colour, and those at risk (red first)."""
    from strategy import selectors as strategy_selectors
    from strategy.rules import at_risk, status_counts

    plan = strategy_selectors.current_plan(user)
    if plan is None:
        return {"counts": None, "at_risk": []}
    objectives = list(plan.objectives.order_by("code").values_list("pk", "code", "name"))
    colours = objective_colours([pk for pk, _c, _n in objectives], period)
    found = {pk: colours.get(pk, rules.GREY) for pk, _c, _n in objectives}
    names = {pk: (code, name) for pk, code, name in objectives}
    risky = [(pk, *names[pk], found[pk]) for pk in at_risk(found)][:8]
    return {"counts": status_counts(found), "at_risk": risky}
