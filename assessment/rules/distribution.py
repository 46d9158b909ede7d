"""Calibration: ranking and the forced distribution of DESIGN §3.5.

Inside a calibration group at most ``excellent_share`` of the results may be *excellent*
(default 20 %, rounded down: 9 people allow 1). The ranking orders by final score, ties by
quantitative part, then by the result's id so that the order never depends on how rows
came out of the database. When more results are excellent than allowed, those ranked
lowest among them are the ones the check proposes to move down to *good*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from assessment.rules.scheme import GRADE_ORDER, Grade, SchemeRules


@dataclass(frozen=True)
class Ranked:
    """One result of a calibration group, as calibration sees it."""

    result_id: int
    final: Decimal
    quantitative_part: Decimal
    grade: str


@dataclass(frozen=True)
class DistributionCheck:
    ranking: list[Ranked]
    counts: dict[str, int]
    allowed_excellent: int
    over_by: int
    proposed_downgrades: list[int]

    @property
    def complies(self) -> bool:
        return self.over_by == 0


def rank(results: Sequence[Ranked]) -> list[Ranked]:
    """Best first: by final score, then quantitative part, then id (§3.5 ties rule)."""
    return sorted(results, key=lambda r: (-r.final, -r.quantitative_part, r.result_id))


def allowed_excellent(size: int, rules: SchemeRules) -> int:
    return int((Decimal(size) * rules.excellent_share).to_integral_value(rounding=ROUND_FLOOR))


def check_distribution(results: Sequence[Ranked], rules: SchemeRules) -> DistributionCheck:
    """The ranking, the grade counts and what the forced distribution asks to change."""
    ranking = rank(results)
    counts = Counter(r.grade for r in ranking)
    allowed = allowed_excellent(len(ranking), rules)
    excellent = [r for r in ranking if r.grade == Grade.EXCELLENT]
    over = max(len(excellent) - allowed, 0)
    downgrades = [r.result_id for r in excellent[len(excellent) - over :]] if over else []
    return DistributionCheck(
        ranking=ranking,
        counts={str(g): counts.get(g, 0) for g in GRADE_ORDER},
        allowed_excellent=allowed,
        over_by=over,
        proposed_downgrades=downgrades,
    )
