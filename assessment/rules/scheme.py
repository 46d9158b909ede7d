"""The numbers of an assessment scheme (DESIGN §3.2-3.5), all defaults that HR may change.

:class:`SchemeRules` is what the pure scoring functions read; the ``AssessmentScheme``
model stores the same values and a cycle keeps a snapshot of them (:meth:`to_json` /
:meth:`from_json`), so a later edit of the scheme never changes a past cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from typing import Any

from scorecard.rules.scoring import KEY_TASK_POINTS, KeyTaskGrade


class Grade(StrEnum):
    """The five grades of §3.5, best first."""

    EXCELLENT = "excellent"
    GOOD = "good"
    QUALIFIED = "qualified"
    BASIC = "basic"
    UNQUALIFIED = "unqualified"


GRADE_ORDER: tuple[Grade, ...] = tuple(Grade)


@dataclass(frozen=True)
class GradeBand:
    """A grade, the lowest final score that earns it and its bonus coefficient (§3.5)."""

    grade: Grade
    min_score: Decimal | None  # None: the grade for everything below the other bands
    coefficient: Decimal


def default_grade_table() -> tuple[GradeBand, ...]:
    return (
        GradeBand(Grade.EXCELLENT, Decimal(95), Decimal("1.4")),
        GradeBand(Grade.GOOD, Decimal(85), Decimal("1.2")),
        GradeBand(Grade.QUALIFIED, Decimal(70), Decimal("1.0")),
        GradeBand(Grade.BASIC, Decimal(60), Decimal("0.8")),
        GradeBand(Grade.UNQUALIFIED, None, Decimal(0)),
    )


def default_key_task_points() -> dict[str, Decimal]:
    return {str(grade): points for grade, points in KEY_TASK_POINTS.items()}


@dataclass(frozen=True)
class SchemeRules:
    """Every default of DESIGN §3.2-3.5 in one place.

    - ``grade_table``: bands best first (§3.5);
    - ``qualitative_weight``: share of the qualitative part in the final score (0.2);
    - ``key_task_points``: points per completion grade (§3.3);
    - ``bonus_cap``: most bonus points one scorecard gets in a cycle (+10, §3.4);
    - ``grace_days``: a milestone this late still earns the "late" points (30, §3.2);
    - ``excellent_share``: forced distribution, largest share of "excellent" per
      calibration group (0.20, §3.5).
    """

    grade_table: tuple[GradeBand, ...] = field(default_factory=default_grade_table)
    qualitative_weight: Decimal = Decimal("0.2")
    key_task_points: Mapping[str, Decimal] = field(default_factory=default_key_task_points)
    bonus_cap: Decimal = Decimal(10)
    grace_days: int = 30
    excellent_share: Decimal = Decimal("0.20")

    def problems(self) -> list[str]:
        """Why these rules cannot be used, as short English reasons (empty when fine)."""
        found: list[str] = []
        if not Decimal(0) <= self.qualitative_weight <= Decimal(1):
            found.append("qualitative_weight")
        if self.bonus_cap < 0:
            found.append("bonus_cap")
        if self.grace_days < 0:
            found.append("grace_days")
        if not Decimal(0) <= self.excellent_share <= Decimal(1):
            found.append("excellent_share")
        if set(self.key_task_points) != {str(g) for g in KeyTaskGrade}:
            found.append("key_task_points")
        bands = [b.min_score for b in self.grade_table]
        if (
            [b.grade for b in self.grade_table] != list(GRADE_ORDER)
            or bands[-1] is not None
            or any(b is None for b in bands[:-1])
            or any(a <= b for a, b in pairwise(bands[:-1]))  # type: ignore[operator]
        ):
            found.append("grade_table")
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "grade_table": [
                {
                    "grade": str(b.grade),
                    "min_score": None if b.min_score is None else str(b.min_score),
                    "coefficient": str(b.coefficient),
                }
                for b in self.grade_table
            ],
            "qualitative_weight": str(self.qualitative_weight),
            "key_task_points": {k: str(v) for k, v in self.key_task_points.items()},
            "bonus_cap": str(self.bonus_cap),
            "grace_days": self.grace_days,
            "excellent_share": str(self.excellent_share),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SchemeRules:
        return cls(
            grade_table=tuple(
                GradeBand(
                    Grade(b["grade"]),
                    None if b["min_score"] is None else Decimal(b["min_score"]),
                    Decimal(b["coefficient"]),
                )
                for b in data["grade_table"]
            ),
            qualitative_weight=Decimal(data["qualitative_weight"]),
            key_task_points={k: Decimal(v) for k, v in data["key_task_points"].items()},
            bonus_cap=Decimal(data["bonus_cap"]),
            grace_days=int(data["grace_days"]),
            excellent_share=Decimal(data["excellent_share"]),
        )


def grade_for(score: Decimal, rules: SchemeRules, *, vetoed: bool = False) -> Grade:
    """The grade of a final score (§3.5); a veto forces *unqualified* whatever the score."""
    if vetoed:
        return Grade.UNQUALIFIED
    for band in rules.grade_table:
        if band.min_score is None or score >= band.min_score:
            return band.grade
    return Grade.UNQUALIFIED


def coefficient_for(grade: str, rules: SchemeRules) -> Decimal:
    """The bonus coefficient of a grade (§3.5)."""
    for band in rules.grade_table:
        if band.grade == grade:
            return band.coefficient
    raise ValueError(f"unknown grade {grade!r}")
