"""What-if (DESIGN §3.6): a cycle's bonuses under the current scheme and under proposed
terms, side by side — totals, the distribution by grade and by unit, and each person's
change. Nothing is saved; HR applies the proposal with ``services.scheme_revise``.

Both columns come from ``incentives.plan`` over the same rows (one query), so the what-if
shows what the payout task would write. Units are grouped by the cycle's owner unit's
children (a person deeper down counts for the child above them).

At 100,000 people a comparison takes tens of seconds, so it runs as a background job
(``incentives.tasks.whatif_compute``, started by ``services.whatif_start``) whatever the
size: the job stores a :class:`Summary` (totals, the distributions and the largest
changes) as JSON, which the page and the API read back once it is done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeVar

from assessment.models import AssessmentCycle, AssessmentResult, Grade
from incentives import plan
from incentives.compute import FIELDS, person_of, terms_of
from incentives.models import BonusScheme
from org.models import OrgUnit

ZERO = Decimal(0)
T = TypeVar("T", "Bucket", "Change")


@dataclass(frozen=True)
class Change:
    """One person's bonus now and under the proposal."""

    key: int
    name: str
    unit: str
    grade: str
    base: Decimal
    current: Decimal
    proposed: Decimal

    @property
    def delta(self) -> Decimal:
        return self.proposed - self.current


@dataclass
class Bucket:
    """A group of people (a grade, a unit): how many, and what they get now and proposed."""

    key: Any
    label: str
    count: int = 0
    current: Decimal = ZERO
    proposed: Decimal = ZERO

    @property
    def delta(self) -> Decimal:
        return self.proposed - self.current


@dataclass
class Comparison:
    people: list[Change] = field(default_factory=list)
    by_grade: list[Bucket] = field(default_factory=list)
    by_unit: list[Bucket] = field(default_factory=list)
    graded: bool = True  # False while the cycle's results have no grades yet

    @property
    def current(self) -> Decimal:
        return sum((c.current for c in self.people), ZERO)

    @property
    def proposed(self) -> Decimal:
        return sum((c.proposed for c in self.people), ZERO)

    @property
    def delta(self) -> Decimal:
        return self.proposed - self.current

    @property
    def changed(self) -> list[Change]:
        """The people whose bonus changes, the largest change first."""
        moved = [c for c in self.people if c.delta]
        return sorted(moved, key=lambda c: (-abs(c.delta), c.name, c.key))


def _rows(cycle: AssessmentCycle) -> list[dict[str, Any]]:
    return list(
        AssessmentResult.objects.filter(cycle=cycle, employee__isnull=False)
        .order_by("pk")
        .values(*FIELDS, "employee__name", "unit__name")
    )


def _top(path: str, owner: OrgUnit) -> int:
    """The id of the owner's child above ``path`` (the owner's own id for the owner)."""
    rest = path[len(owner.path) :].split("/")
    return int(rest[0]) if path.startswith(owner.path) and rest[0] else owner.pk


Progress = Callable[[int, int], None]
STEP = 5000  # people between two progress reports while the buckets fill


def compare(
    cycle: AssessmentCycle,
    current: BonusScheme,
    proposed: BonusScheme,
    proposed_pools: Mapping[str, Decimal],
    *,
    progress: Progress | None = None,
) -> Comparison:
    """The cycle's bonuses under ``current`` (a saved or default scheme) and ``proposed``
    (an unsaved scheme carrying the proposed terms, with its pools by unit path).
    ``progress(done, total)`` hears of each step: both plans, then the buckets."""
    report = progress or (lambda done, total: None)
    rows = _rows(cycle)
    people = [person_of(r) for r in rows]
    total = 3 * len(rows)
    report(0, total)
    now = plan.plan(people, terms_of(current, cycle))
    report(len(rows), total)
    then = plan.plan(people, terms_of(proposed, cycle, pools=dict(proposed_pools)))
    report(2 * len(rows), total)
    grades = dict(Grade.choices)
    by_grade = {g: Bucket(g, str(label)) for g, label in Grade.choices}
    owner = cycle.owner_unit
    tops: dict[int, Bucket] = {}
    result = Comparison(graded=any(r["grade"] or r["calibrated_grade"] for r in rows))
    for n, r in enumerate(rows, 1):
        if n % STEP == 0:
            report(2 * len(rows) + n, total)
        a, b = now[r["pk"]], then[r["pk"]]
        result.people.append(
            Change(
                key=r["pk"],
                name=r["employee__name"],
                unit=r["unit__name"],
                grade=str(grades.get(a.grade, a.grade)),
                base=r["employee__base_bonus"],
                current=a.amount,
                proposed=b.amount,
            )
        )
        top = _top(r["unit__path"], owner)
        for bucket in (by_grade[a.grade], tops.setdefault(top, Bucket(top, ""))):
            bucket.count += 1
            bucket.current += a.amount
            bucket.proposed += b.amount
    names = dict(OrgUnit.objects.filter(pk__in=list(tops)).values_list("pk", "name"))
    for key, bucket in tops.items():
        bucket.label = names.get(key, "")
    result.by_grade = list(by_grade.values())
    result.by_unit = sorted(tops.values(), key=lambda b: b.label)
    return result


def proposal(scheme: BonusScheme, terms: Mapping[str, Any]) -> BonusScheme:
    """An unsaved scheme: ``scheme`` with ``terms`` laid over it (nothing is written)."""
    from incentives.services import TERM_FIELDS

    values = {name: terms.get(name, getattr(scheme, name)) for name in TERM_FIELDS}
    return BonusScheme(name=scheme.name, version=scheme.version, **values)


@dataclass(frozen=True)
class Summary:
    """What a what-if job keeps of a :class:`Comparison`: the totals, both distributions,
    how many people's bonus changes and the ``changes`` of the largest of them."""

    current: Decimal
    proposed: Decimal
    graded: bool
    by_grade: list[Bucket]
    by_unit: list[Bucket]
    changes: list[Change]
    changed: int

    @property
    def delta(self) -> Decimal:
        return self.proposed - self.current

    @classmethod
    def of(cls, result: Comparison, *, limit: int) -> Summary:
        changed = result.changed
        return cls(
            current=result.current,
            proposed=result.proposed,
            graded=result.graded,
            by_grade=result.by_grade,
            by_unit=result.by_unit,
            changes=changed[:limit],
            changed=len(changed),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "current": str(self.current),
            "proposed": str(self.proposed),
            "graded": self.graded,
            "by_grade": [_encode(b) for b in self.by_grade],
            "by_unit": [_encode(b) for b in self.by_unit],
            "changes": [_encode(c) for c in self.changes],
            "changed": self.changed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Summary:
        return cls(
            current=Decimal(data["current"]),
            proposed=Decimal(data["proposed"]),
            graded=bool(data["graded"]),
            by_grade=[_decode(Bucket, b) for b in data["by_grade"]],
            by_unit=[_decode(Bucket, b) for b in data["by_unit"]],
            changes=[_decode(Change, c) for c in data["changes"]],
            changed=int(data["changed"]),
        )


def _encode(row: Bucket | Change) -> dict[str, Any]:
    """A bucket or change as JSON: its fields, money as strings (exact)."""
    values = {f.name: getattr(row, f.name) for f in fields(row)}
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _decode(kind: type[T], data: Mapping[str, Any]) -> T:
    money = {f.name for f in fields(kind) if f.type in ("Decimal", Decimal)}
    values: dict[str, Any] = {k: Decimal(v) if k in money else v for k, v in data.items()}
    return kind(**values)
