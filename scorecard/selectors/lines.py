"""The line from a goal up to the company objective, and an employee's "my targets".

The line of an item is the chain of items it was decomposed from (employee → department →
company), ending at the strategic objective the top item serves and that objective's own
"cascaded from" chain. It is part of the goal itself: an employee sees the *names* and
owners of the goals above theirs even where they may not open those scorecards, which is
why the steps carry no targets, actuals or links the reader could not follow.

Queries: one for the items above (a recursive query), then one per level of objectives,
whatever the number of items.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from org.models import Employee, OrgUnit
from org.scoping import scope_of
from scorecard.models import LetterStatus, ResponsibilityLetter, Scorecard, ScorecardItem
from scorecard.selectors.progress import ItemProgress, load_progress_values, progress_of
from scorecard.selectors.scorecards import scorecards, with_summary
from strategy.models import Objective

MAX_DEPTH = 12  # a guard against a corrupt cycle; real cascades are 3-5 levels deep
# The items above some items: their parents, the parents' parents … (``UNION`` stops at an
# item already found, so a corrupt cycle ends too), and what a step shows of each: its name,
# year and owner (the card's person, else its unit), and the way up (parent, objective).
# Standard SQL: PostgreSQL and SQLite.
LINE_STEPS = """
    SELECT i.id, i.name, i.parent_id, i.objective_id, c.year, p.name, u.name
    FROM {items} i
    JOIN {cards} c ON c.id = i.scorecard_id
    LEFT JOIN {people} p ON p.id = c.employee_id
    JOIN {units} u ON u.id = c.unit_id
    WHERE i.id IN (
        WITH RECURSIVE above(id) AS (
            SELECT id FROM {items} WHERE id IN ({ids})
            UNION
            SELECT i.parent_id FROM {items} i JOIN above a ON i.id = a.id
            WHERE i.parent_id IS NOT NULL
        )
        SELECT id FROM above
    )
"""
# (The recursive query inside ``IN``, not a join with it: PostgreSQL then plans for the few
# rows there are, and looks each card's unit up by its key rather than hashing them all.)


@dataclass(frozen=True)
class LineStep:
    """One goal above the reader's, by name and owner."""

    item_id: int
    name: str
    owner: str
    year: int


@dataclass
class Line:
    steps: list[LineStep] = field(default_factory=list)  # nearest parent first
    objectives: list[Objective] = field(default_factory=list)  # served objective first

    @property
    def company_objective(self) -> Objective | None:
        return self.objectives[-1] if self.objectives else None


def item_lines(items: Iterable[ScorecardItem]) -> dict[int, Line]:
    """The line of each item (already loaded with ``objective``), by item id."""
    items = list(items)
    lines = {item.pk: Line() for item in items}
    # The objective served: the highest item of the line that names one.
    served: dict[int, Objective | int | None] = {
        item.pk: item.objective if item.objective_id else None for item in items
    }
    above = _items_above({item.parent_id for item in items if item.parent_id})
    for item in items:
        parent_id = item.parent_id
        while parent_id and parent_id in above and len(lines[item.pk].steps) < MAX_DEPTH:
            step, parent_id, objective_id = above[parent_id]
            lines[item.pk].steps.append(step)
            if objective_id:
                served[item.pk] = objective_id
    _objective_lines(lines, served)
    return lines


def _items_above(ids: set[int]) -> dict[int, tuple[LineStep, int | None, int | None]]:
    """``{id: (step, parent id, objective id)}`` of the items ``ids`` and all above them, in
    one query: what a step shows (name, owner, year) and the way up — not the targets,
    tiers and texts of each goal above, nor a query and a row of models per level. Plain
    SQL (ids, names and years need no conversion): the ORM took longer to build the
    statement than the database to run it."""
    if not ids:
        return {}
    quote = connection.ops.quote_name
    tables = {
        "items": quote(ScorecardItem._meta.db_table),
        "cards": quote(Scorecard._meta.db_table),
        "people": quote(Employee._meta.db_table),
        "units": quote(OrgUnit._meta.db_table),
    }
    # The models' tables and one placeholder per id: nothing of the request's in the text.
    sql = LINE_STEPS.format(ids=", ".join(["%s"] * len(ids)), **tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(ids))
        rows = cursor.fetchall()
    return {
        pk: (
            # ``Scorecard.owner_name``: the employee's card by their name, else the unit's.
            LineStep(pk, name, person if person is not None else unit, year),
            parent_id,
            objective_id,
        )
        for pk, name, parent_id, objective_id, year, person, unit in rows
    }


def _objective_lines(lines: dict[int, Line], served: dict[int, Objective | int | None]) -> None:
    """Each line ends at the served objective (loaded, or its id) and the objectives it was
    cascaded from: one query per level of objectives still to read."""
    known: dict[int, Objective] = {o.pk: o for o in served.values() if isinstance(o, Objective)}
    wanted = {o for o in served.values() if isinstance(o, int) and o not in known}
    wanted |= {o.parent_id for o in known.values() if o.parent_id and o.parent_id not in known}
    for _level in range(MAX_DEPTH):
        if not wanted:
            break
        level = (
            Objective.objects.filter(pk__in=wanted)
            .select_related("owner_unit")
            .only("code", "name", "parent_id", "owner_unit__name")  # what a line shows
            .order_by()
        )
        for o in level:
            known[o.pk] = o
        wanted = {o.parent_id for o in known.values() if o.parent_id and o.parent_id not in known}
    for item_id, found in served.items():
        objective = known.get(found) if isinstance(found, int) else found
        chain: list[Objective] = []
        while objective is not None and objective not in chain and len(chain) < MAX_DEPTH:
            chain.append(objective)
            objective = known.get(objective.parent_id) if objective.parent_id else None
        lines[item_id].objectives = chain


# --- My targets ---------------------------------------------------------------------------


@dataclass
class TargetRow:
    item: ScorecardItem
    progress: ItemProgress
    line: Line


@dataclass
class MyTargets:
    scorecard: Scorecard | None
    rows: list[TargetRow]
    letter: ResponsibilityLetter | None
    unit_scorecard: Scorecard | None


def my_targets(user: Any, year: int, *, today: datetime.date, summary: bool = True) -> MyTargets:
    """The signed-in employee's scorecard of ``year``: items, lines, progress and letter;
    with ``summary``, the card with what the scorecard's API shape documents (item count,
    weight total, letter status, plan) — the page shows none of it."""
    scope = scope_of(user)
    if scope.employee_id is None:
        return MyTargets(None, [], None, None)
    # Their own card and their unit's in one query (each is unique per year).
    visible = scorecards(user).select_related("unit", "employee")
    if summary:
        visible = with_summary(visible).select_related("plan")
    both = visible.filter(
        Q(employee_id=scope.employee_id) | Q(unit_id=scope.employee_unit_id, employee__isnull=True),
        year=year,
    ).order_by("pk")
    card = unit_card = None
    for found in both:
        if found.employee_id == scope.employee_id:
            card = card or found
        else:
            unit_card = unit_card or found
    if card is None:
        return MyTargets(None, [], None, unit_card)
    # What the page and the API show of an item: its own fields, its objective with the
    # owner (the line's end), its progress rows — not the relations of an item page
    # (``scorecard_items``: the card's unit and employee again for every item, the parent's
    # card, the indicator, a count of children), two thirds of the model rows it built.
    items = list(
        ScorecardItem.objects.filter(scorecard=card)
        .select_related("objective__owner_unit")
        .order_by("order", "pk")
    )
    for item in items:
        item.scorecard = card  # loaded above, with its unit and employee
    load_progress_values(items)
    lines = item_lines(items)
    progress = progress_of(items, today=today)
    letter = (
        ResponsibilityLetter.objects.filter(scorecard=card)
        .filter(~Q(status=LetterStatus.SUPERSEDED))
        .order_by("-version")
        # What the page and the API show of it: not the snapshot of the whole card (JSON)
        .only("pk", "scorecard_id", "version", "status", "acknowledged_at")
        .first()
    )
    if letter is not None:
        letter.scorecard = card  # its state reads whose card it is (``letter_state``)
    rows = [TargetRow(item, progress[item.pk], lines[item.pk]) for item in items]
    return MyTargets(card, rows, letter, unit_card)
