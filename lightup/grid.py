"""The light board as a units x items grid for the monthly meeting.

Rows are the org units whose scorecards hold the lights (one page of units at a time, in
tree order); columns are the items as the meeting reads them: the KPI of the indicator
library an item measures, else the item's own name (the same goal cascaded to several
units lines up in one column). A cell counts the unit's lights of that column by colour,
shows the worst of them, and compares it with the worst of the month before.

Three queries whatever the number of units and items: the page count, the page of units,
and one grouped count over this month and the last (the units, when the board's tallies
give them, come with them: one query) (colour filters act on the cells, so
the month-over-month change of a cell never depends on the filter).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

from django.core.paginator import Page, Paginator
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from lightup import rules
from lightup.models import Colour
from lightup.selectors import BoardFilters, board_rows, change_of
from lightup.tally import UnitLights

UNITS_PER_PAGE = 25
UNIT = "item__scorecard__unit_id"


@dataclass
class Cell:
    """A unit's lights of one column. Read (its colour, parts, change) only once built: the
    page reads each several times, so each is worked out once."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.COLOURS, 0))
    before: str | None = None  # worst colour of last month, None without lights then

    @cached_property
    def colour(self) -> str:
        return rules.worst(c for c, n in self.counts.items() if n)

    @cached_property
    def total(self) -> int:
        return sum(self.counts.values())

    @cached_property
    def present(self) -> list[tuple[str, int]]:
        """(colour, count) of the colours present, worst first."""
        present = [c for c in rules.COLOURS if self.counts[c]]
        present.sort(key=lambda c: -rules.SEVERITY[c])
        return [(c, self.counts[c]) for c in present]

    @cached_property
    def parts(self) -> list[tuple[str, str, int]]:
        """(colour, label, count) of the colours present, worst first."""
        return [(c, str(Colour(c).label), n) for c, n in self.present]

    @cached_property
    def change(self) -> str:
        return change_of(self.before, self.colour) if self.total else ""


@dataclass(frozen=True)
class Column:
    indicator: int | None
    name: str

    @property
    def drill(self) -> dict[str, Any]:
        """The list filter that shows this column's items."""
        return {"indicator": self.indicator} if self.indicator else {"item": self.name}

    @property
    def key(self) -> tuple[int | None, str]:
        return (self.indicator, "" if self.indicator is not None else self.name)


@dataclass
class Row:
    unit_id: int
    name: str
    depth: int
    cells: list[tuple[Column, Cell | None]]


@dataclass
class Grid:
    page: Page[Any]
    columns: list[Column]
    rows: list[Row]


def _without_colour(filters: BoardFilters) -> BoardFilters:
    return BoardFilters(**{**filters.__dict__, "colour": ""})


def board_grid(
    user: Any, filters: BoardFilters, page_number: Any = 1, units: list[UnitLights] | None = None
) -> Grid:
    """One page of the grid for ``user``'s scope under ``filters``; ``units``: the units with
    lights in tree order, when the tallies gave them (:func:`lightup.selectors.board_tally`)."""
    page: Page[Any]
    if units is None:
        found = (
            board_rows(user, filters)
            .order_by()
            .values(UNIT, "item__scorecard__unit__path")
            .annotate(
                name=F("item__scorecard__unit__name"), depth=F("item__scorecard__unit__depth")
            )
            .distinct()
            .order_by("item__scorecard__unit__path", UNIT)
        )
        page = Paginator(found, UNITS_PER_PAGE).get_page(page_number)
        listed = [(row[UNIT], row["name"], row["depth"]) for row in page.object_list]
    else:
        page = Paginator(units, UNITS_PER_PAGE).get_page(page_number)
        listed = [(unit.unit_id, unit.name, unit.depth) for unit in page.object_list]
    unit_ids = [unit_id for unit_id, _name, _depth in listed]
    months = [filters.month] if filters.month == 1 else [filters.month - 1, filters.month]
    # The same scope and filters for both months, the colour aside (it acts on cells). A
    # page of units of the viewer's subtrees only (as the tallies tell) needs no scoping
    # filter: every light of theirs is the viewer's to see (measured for an executive at
    # 100,000 employees: a join to the units and the filter were ~5 of the query's ~27 ms).
    whole = units is not None and all(unit.whole for unit in page.object_list)
    both = board_rows(user, _without_colour(filters), months=months, scoped=not whole)
    both = both.filter(**{f"{UNIT}__in": unit_ids})
    grouped = (
        both.order_by()
        .values(UNIT, "month", "colour", column_id=F("item__indicator_id"))
        .annotate(column_name=Coalesce("item__indicator__name", "item__name"), n=Count("pk"))
    )
    cells: dict[tuple[int, tuple[int | None, str]], Cell] = {}
    columns: dict[tuple[int | None, str], Column] = {}
    previous: dict[tuple[int, tuple[int | None, str]], list[str]] = {}
    for row in grouped:
        column = Column(row["column_id"], row["column_name"])
        key = (row[UNIT], column.key)
        if row["month"] == filters.month:
            columns.setdefault(column.key, column)
            cells.setdefault(key, Cell()).counts[row["colour"]] += row["n"]
        else:
            previous.setdefault(key, []).append(row["colour"])
    for key, colours in previous.items():
        if key in cells:
            cells[key].before = rules.worst(colours) if colours else None
    if filters.colour:
        cells = {k: c for k, c in cells.items() if c.counts.get(filters.colour)}
        shown = {column_key for _unit, column_key in cells}
        columns = {k: c for k, c in columns.items() if k in shown}
    ordered = sorted(columns.values(), key=lambda c: (c.name.casefold(), c.indicator or 0))
    rows = [
        Row(
            unit_id=unit_id,
            name=name,
            depth=depth,
            cells=[(column, cells.get((unit_id, column.key))) for column in ordered],
        )
        for unit_id, name, depth in listed
    ]
    return Grid(page=page, columns=ordered, rows=rows)


def body_html(grid: Grid, filters: BoardFilters) -> SafeString:
    """The grid's ``<tbody>`` rows, written in one pass: a page holds up to 25 units x every
    item column, and the template language cost ~1 ms per 10 cells (24 lookups, escapes and
    localisations per cell); this writes the same markup about ten times faster. Every name
    is escaped; the link, labels and change marks are worked out once per page."""
    base = (
        f"{reverse('lightup-board')}?view=list&amp;year={filters.year:d}"
        f"&amp;month={filters.month:d}&amp;only_unit="
    )
    labels = {value: escape(label) for value, label in Colour.choices}
    marks = {
        change: f'<span class="{css} small" title="{escape(title)}">{mark}</span>'
        for change, css, title, mark in (
            ("worse", "text-danger", gettext("worse than last month"), "▼"),
            ("better", "text-success", gettext("better than last month"), "▲"),
            ("same", "text-body-secondary", gettext("as last month"), "="),
        )
    }
    drills = {
        column.key: (
            f"indicator={column.indicator:d}"
            if column.indicator
            else f"item={escape(quote(column.name, safe='/'))}"
        )
        for column in grid.columns
    }
    empty = '<td class="text-body-secondary small">\u2013</td>'  # an en dash
    patterns: dict[tuple[Any, ...], tuple[str, str]] = {}
    out: list[str] = []
    for row in grid.rows:
        out.append(
            f'<tr data-unit="{row.unit_id:d}"><th scope="row" class="text-nowrap">'
            f"{'&nbsp;' * row.depth}{escape(row.name)}</th>"
        )
        for column, cell in row.cells:
            if cell is None:
                out.append(empty)
                continue
            # Most cells share a few patterns of counts and change: each pattern's markup
            # (all of the cell but its link) is written once.
            pattern = (*cell.counts.values(), cell.before)
            found = patterns.get(pattern)
            if found is None:
                colour = cell.colour
                parts = ", ".join(
                    f'<span class="text-nowrap" data-count="{c}" title="{labels[c]}">'
                    f"{n:d}&nbsp;{labels[c]}</span>"
                    for c, n in cell.present
                )
                found = patterns[pattern] = (
                    f'<td class="lightup-cell" data-colour="{colour}" data-total="{cell.total:d}"'
                    f' data-change="{cell.change}"><a class="text-decoration-none" href="',
                    f'<span class="lightup-dot lightup-{colour}" data-colour="{colour}"'
                    f' title="{colour}" aria-label="{colour}"></span>'
                    f' <span class="small text-body">{parts}</span>'
                    f" {marks.get(cell.change, '')}</a></td>",
                )
            out.append(f'{found[0]}{base}{row.unit_id:d}&amp;{drills[column.key]}">{found[1]}')
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number
