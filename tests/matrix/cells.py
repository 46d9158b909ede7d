"""Who may do what to the rows of the apps above the scorecard: one cell per operation
(and object), with the answer each member of the cast gets.

A cell names its object on the employee's side of the world (Engineering: the employee,
their manager's unit) and, when ``mirrored``, is run again on the clerk's side (Finance):
there the sibling manager gets the manager's answer, the manager and the employee a 404
(out of scope; a 400 "does not exist" for a create naming the row), HR and the executive
the same answer. Bodies carry the row's current
``version`` where the write takes one. ``E M S H X`` = employee, manager, sibling manager,
HR, executive (anonymous always gets 401).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.matrix.world import Matrix

Body = Callable[[Matrix, str], dict[str, Any]]
ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")


@dataclass(frozen=True)
class Cell:
    method: str
    path: str  # the schema's path; {id} (and {action_id}) filled by ``ids``
    answers: str  # "E M S H X" statuses, e.g. "404 200 404 200 200"
    ids: Callable[[Matrix, str], tuple[Any, ...]] = lambda m, side: ()
    body: Body | None = None
    mirrored: bool = True
    outside: int = 404  # a create naming a row out of scope: 400, "does not exist"
    finance: str = ""  # the clerk's side's answers, where they are not the mirror
    query: str = ""  # appended to the URL; ``{annual}`` is the annual cycle's id
    # a delete names the version of the row it removes: ``?version=`` of this row, fresh
    versioned: Callable[[Matrix, str], Any] | None = None

    def expected(self, side: str) -> dict[str, int]:
        e, m, s, h, x = (int(a) for a in self.answers.split())
        if side == "employee" or not self.mirrored:
            return dict(zip(ROLES, (e, m, s, h, x), strict=True))
        if self.finance:
            return dict(zip(ROLES, (int(a) for a in self.finance.split()), strict=True))
        return dict(zip(ROLES, (self.outside, self.outside, m, h, x), strict=True))

    def url(self, matrix: Matrix, side: str) -> str:
        path = self.path
        for value in self.ids(matrix, side):
            path = path.replace("{" + path.split("{")[1].split("}")[0] + "}", str(value), 1)
        query = [self.query.format(annual=matrix.annual.pk)] if self.query else []
        if self.versioned is not None:
            found = self.versioned(matrix, side)
            query.append(f"version={type(found)._default_manager.get(pk=found.pk).version}")
        return f"{path}?{'&'.join(query)}" if query else path


def row(m: Matrix, side: str, name: str) -> Any:
    """A fresh copy of the named row of ``side`` (its current version)."""
    found = m.rows[side].extra[name]
    return type(found)._default_manager.get(pk=found.pk)


def pk(name: str) -> Callable[[Matrix, str], tuple[Any, ...]]:
    return lambda m, side: (m.rows[side].extra[name].pk,)


def version(name: str) -> Body:
    return lambda m, side: {"version": row(m, side, name).version}


def half(m: Matrix, side: str) -> tuple[Any, ...]:
    return (m.rows[side].half.pk,)


def annual(m: Matrix, side: str) -> tuple[Any, ...]:
    return (m.rows[side].annual.pk,)


def person(m: Matrix, side: str) -> Any:
    return getattr(m.world.cast, side)


# --- Lists ------------------------------------------------------------------------------
# list path -> (the row of each side it may hold, who sees the employee's / the clerk's):
# E = the employee's side only, F = the clerk's, B = both, - = neither.
BOTH_READ = "E E F B B"  # the person, their line, HR, the executive
PERSONAL = "E E F B -"  # the person, their line, HR
LISTS: dict[str, tuple[Callable[[Matrix, str], Any], str]] = {
    "/api/v1/assessment-results/": (lambda m, s: m.rows[s].annual, BOTH_READ),
    "/api/v1/key-task-grades/": (lambda m, s: m.rows[s].extra["grade"], BOTH_READ),
    "/api/v1/assessment-adjustments/": (lambda m, s: m.rows[s].extra["adjustment"], BOTH_READ),
    "/api/v1/assessment-vetoes/": (lambda m, s: m.rows[s].extra["veto"], BOTH_READ),
    "/api/v1/assessment-exemptions/": (lambda m, s: m.rows[s].extra["exemption"], BOTH_READ),
    "/api/v1/payouts/": (lambda m, s: m.rows[s].extra["payout"], BOTH_READ),
    "/api/v1/light-statuses/": (lambda m, s: m.rows[s].extra["light"], BOTH_READ),
    "/api/v1/appeals/": (lambda m, s: m.rows[s].extra["appeal"], PERSONAL),
    "/api/v1/interviews/": (lambda m, s: m.rows[s].extra["interview"], PERSONAL),
    "/api/v1/improvement-plans/": (lambda m, s: m.rows[s].extra["plan"], PERSONAL),
    "/api/v1/critical-incidents/": (lambda m, s: m.rows[s].extra["incident"], "- E F B -"),
    "/api/v1/feedback-threads/": (lambda m, s: m.rows[s].extra["thread"], "E E F - -"),
    "/api/v1/reviews/": (lambda m, s: m.rows[s].extra["self_review"], "E - - - -"),
}
# Lists of rows that belong to no side: role -> which rows it holds.
SHARED_LISTS: dict[str, tuple[Callable[[Matrix], dict[str, Any]], dict[str, set[str]]]] = {
    "/api/v1/assessment-cycles/": (
        lambda m: {"annual": m.annual, "half": m.half},
        {role: {"annual", "half"} for role in ROLES},
    ),
    "/api/v1/notifications/": (
        lambda m: dict(m.notes.items()),
        {role: {role} & {"manager", "hr"} for role in ROLES},
    ),
    "/api/v1/bonus-schemes/": (
        lambda m: {"scheme": m.scheme},
        {role: {"scheme"} if role in {"hr", "executive"} else set() for role in ROLES},
    ),
}


def listed(code: str) -> dict[str, set[str]]:
    """``"E E F B -"`` -> role -> the sides whose row the role's list holds."""
    sides = {"E": {"employee"}, "F": {"finance_clerk"}, "B": {"employee", "finance_clerk"}}
    return {role: sides.get(c, set()) for role, c in zip(ROLES, code.split(), strict=True)}
