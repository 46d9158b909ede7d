"""Scoring rules of DESIGN §3.1-3.3 as pure functions over Decimals and dates.

No ORM and no request in here: web pages, the API and background jobs call the same
functions with plain values. Scores keep full ``Decimal`` precision; rounding happens
once, for display (:func:`display`).

Polarity and aggregation are the plain strings stored by the models
(``"higher"``/``"lower"``/``"range"``, ``"sum"``/``"average"``/``"last"``).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

ZERO = Decimal(0)
BASELINE_POINTS = Decimal(60)
TARGET_POINTS = Decimal(100)
CHALLENGE_POINTS = Decimal(120)
SCORE_CAP = CHALLENGE_POINTS
FULL_WEIGHT = Decimal(100)
GRACE_DAYS = 30

HIGHER = "higher"
LOWER = "lower"
RANGE = "range"
SUM = "sum"
AVERAGE = "average"
LAST = "last"
T = TypeVar("T")


def plain_repr(cls: type[T]) -> type[T]:
    """A dataclass's own ``repr`` without the recursion guard ``dataclasses`` wraps around
    it (a thread-local set kept per call): the same text, a quarter faster. Only for
    classes of plain values, which cannot hold themselves; the assessment hashes the
    ``repr`` of every result's inputs (``assessment.digests``)."""
    cls.__repr__ = getattr(cls.__repr__, "__wrapped__", cls.__repr__)  # type: ignore[method-assign]
    return cls


# --- §3.1 Quantitative items ---------------------------------------------------------


@plain_repr
@dataclass(frozen=True)
class Tiers:
    """The "climbing" targets of a quantitative item.

    For higher-is-better items the values rise floor < baseline < target < challenge; for
    lower-is-better items they fall. Any tier but ``target`` may be missing. Within-range
    items use ``range_low``/``range_high`` only.
    """

    target: Decimal | None = None
    baseline: Decimal | None = None
    challenge: Decimal | None = None
    floor: Decimal | None = None
    polarity: str = HIGHER
    range_low: Decimal | None = None
    range_high: Decimal | None = None

    def anchors(self) -> list[tuple[Decimal, Decimal]]:
        """(value, points) pairs from the worst to the best tier that are set."""
        pairs = [
            (self.floor, ZERO),
            (self.baseline, BASELINE_POINTS),
            (self.target, TARGET_POINTS),
            (self.challenge, CHALLENGE_POINTS),
        ]
        return [(value, points) for value, points in pairs if value is not None]

    def problems(self) -> list[str]:
        """Why these tiers cannot be scored, as short English reasons (empty when fine)."""
        if self.polarity == RANGE:
            if self.range_low is None or self.range_high is None:
                return ["range"]
            return ["range"] if self.range_low > self.range_high else []
        if self.target is None:
            return ["target"]
        if self.polarity not in (HIGHER, LOWER):
            return []
        values = [
            v for v in (self.floor, self.baseline, self.target, self.challenge) if v is not None
        ]
        # Strictly rising (higher) or falling (lower): each value beyond the one before.
        beyond = operator.lt if self.polarity == HIGHER else operator.gt
        return [] if all(map(beyond, values, values[1:])) else ["order"]


def _interpolate(
    actual: Decimal, low: tuple[Decimal, Decimal], high: tuple[Decimal, Decimal]
) -> Decimal:
    (x0, y0), (x1, y1) = low, high
    return y0 + (actual - x0) * (y1 - y0) / (x1 - x0)


def _ratio_score(actual: Decimal, target: Decimal, polarity: str) -> Decimal:
    """ "Only a target": 100 x actual/target (lower better: target/actual), within 0..120.

    A target at or below zero has no meaningful ratio: meeting it scores 100, missing it 0.
    """
    if target <= 0:
        met = actual >= target if polarity == HIGHER else actual <= target
        return TARGET_POINTS if met else ZERO
    if polarity == HIGHER:
        raw = TARGET_POINTS * actual / target
    elif actual <= 0:
        return SCORE_CAP
    else:
        raw = TARGET_POINTS * target / actual
    return min(max(raw, ZERO), SCORE_CAP)


def tier_score(tiers: Tiers, actual: Decimal) -> Decimal:
    """Score of ``actual`` against ``tiers`` (§3.1): 0..120, monotone in the actual.

    Baseline → 60, target → 100, challenge → 120, linear in between. Above the challenge:
    120. Below the baseline: 0, or linear from 0 at the floor when a floor is set. Where
    the next tier up or down is missing, the "only a target" ratio rule applies.
    Within-range items score 100 inside the range and 0 outside.
    """
    polarity = tiers.polarity
    target = tiers.target
    if polarity == RANGE or target is None:
        problems = tiers.problems()
        if problems:
            raise ValueError(f"tiers cannot be scored: {', '.join(problems)}")
        inside = tiers.range_low <= actual <= tiers.range_high  # type: ignore[operator]
        return TARGET_POINTS if inside else ZERO
    # The tiers that are set, worst to best (what :meth:`Tiers.anchors` gives, built here
    # once per item scored: the same list, without building it twice for the check).
    # Lower-is-better is the mirror image: negate every value and score as higher-better.
    anchors = [
        (value if polarity == HIGHER else -value, points)
        for value, points in (
            (tiers.floor, ZERO),
            (tiers.baseline, BASELINE_POINTS),
            (target, TARGET_POINTS),
            (tiers.challenge, CHALLENGE_POINTS),
        )
        if value is not None
    ]
    # Strictly rising once mirrored (:meth:`Tiers.problems`: "order").
    if polarity in (HIGHER, LOWER) and not all(low[0] < high[0] for low, high in pairwise(anchors)):
        raise ValueError("tiers cannot be scored: order")
    x = actual if polarity == HIGHER else -actual
    if x >= anchors[-1][0]:
        if anchors[-1][1] == CHALLENGE_POINTS:
            return SCORE_CAP
        return max(_ratio_score(actual, target, tiers.polarity), TARGET_POINTS)
    if x < anchors[0][0]:
        if anchors[0][1] == TARGET_POINTS:
            return min(_ratio_score(actual, target, tiers.polarity), TARGET_POINTS)
        return ZERO
    for low, high in pairwise(anchors):
        if low[0] <= x < high[0]:
            return _interpolate(x, low, high)
    raise AssertionError("unreachable: x lies between the first and the last anchor")


def scaled(tiers: Tiers, factor: Decimal) -> Tiers:
    """The tiers multiplied by ``factor`` (a period's share of a summed annual target)."""
    if tiers.polarity == RANGE:
        return tiers

    def times(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * factor

    return replace(
        tiers,
        target=times(tiers.target),
        baseline=times(tiers.baseline),
        challenge=times(tiers.challenge),
        floor=times(tiers.floor),
    )


def aggregate(
    values: Mapping[int, Decimal], aggregation: str, through_month: int
) -> Decimal | None:
    """Period value from monthly actuals up to ``through_month``: sum, average or last."""
    months = sorted(values)
    if months and months[-1] > through_month:
        months = [m for m in months if m <= through_month]
    if not months:
        return None
    if aggregation == SUM:
        return sum(map(values.__getitem__, months), ZERO)
    if aggregation == AVERAGE:
        return sum(map(values.__getitem__, months), ZERO) / len(months)
    return values[months[-1]]


def plan_to_date(
    annual: Decimal, aggregation: str, month: int, monthly_plan: Mapping[int, Decimal] | None = None
) -> Decimal:
    """The plan to the end of ``month`` (§3.1, §3.7).

    With a monthly plan: for summed items the sum of the planned months so far, otherwise
    the plan of the latest planned month so far. Without one: annual x month/12 for summed
    items, the annual value otherwise.
    """
    planned = sorted(m for m in (monthly_plan or {}) if m <= month)
    if planned:
        assert monthly_plan is not None
        if aggregation == SUM:
            return sum((monthly_plan[m] for m in planned), ZERO)
        return monthly_plan[planned[-1]]
    if aggregation == SUM:
        return annual * month / 12
    return annual


def score_to_date(
    tiers: Tiers,
    aggregation: str,
    actuals: Mapping[int, Decimal],
    through_month: int,
    monthly_plan: Mapping[int, Decimal] | None = None,
) -> Decimal | None:
    """An item's score so far: the period value against the tiers taken to date.

    Summed items compare the sum so far with tiers scaled by plan-to-date/annual target;
    averaged and last-value items compare with the annual tiers. ``None`` before any actual.
    """
    value = aggregate(actuals, aggregation, through_month)
    if value is None:
        return None
    if aggregation == SUM and tiers.polarity != RANGE and tiers.target:
        plan = plan_to_date(tiers.target, aggregation, through_month, monthly_plan)
        return tier_score(scaled(tiers, plan / tiers.target), value)
    return tier_score(tiers, value)


# --- §3.2 Milestone items -------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneOutcome:
    """A milestone's due date, completion date (if done) and weight inside its item."""

    due: date
    completed_on: date | None = None
    weight: Decimal | None = None


def milestone_points(
    milestone: MilestoneOutcome, period_end: date, grace_days: int = GRACE_DAYS
) -> Decimal:
    """100 on time, 80 late within the grace period, 60 later, 0 if not done by period end."""
    done = milestone.completed_on
    if done is None or done > period_end:
        return ZERO
    if done <= milestone.due:
        return TARGET_POINTS
    if (done - milestone.due).days <= grace_days:
        return Decimal(80)
    return BASELINE_POINTS


def _weights(milestones: Sequence[MilestoneOutcome]) -> list[Decimal]:
    given = [m.weight for m in milestones]
    if all(w is None for w in given):
        return [Decimal(1)] * len(milestones)
    if any(w is None for w in given):
        raise ValueError("give every milestone of an item a weight, or none")
    return [w for w in given if w is not None]


def milestone_score(
    milestones: Sequence[MilestoneOutcome], period_end: date, grace_days: int = GRACE_DAYS
) -> Decimal | None:
    """The weighted mean of the milestones' points (§3.2); ``None`` without milestones."""
    if not milestones:
        return None
    weights = _weights(milestones)
    total = sum(weights, ZERO)
    if total <= 0:
        raise ValueError("milestone weights must add up to more than zero")
    points = sum(
        (
            w * milestone_points(m, period_end, grace_days)
            for m, w in zip(milestones, weights, strict=True)
        ),
        ZERO,
    )
    return points / total


def milestone_score_to_date(
    milestones: Sequence[MilestoneOutcome], as_of: date, grace_days: int = GRACE_DAYS
) -> Decimal | None:
    """The milestone score counting only milestones already due or already done."""
    counted = [
        (m, w)
        for m, w in zip(milestones, _weights(milestones) if milestones else [], strict=True)
        if m.due <= as_of or (m.completed_on is not None and m.completed_on <= as_of)
    ]
    if not counted:
        return None
    total = sum((w for _m, w in counted), ZERO)
    if total <= 0:
        return None
    return sum((w * milestone_points(m, as_of, grace_days) for m, w in counted), ZERO) / total


# --- §3.3 Key tasks ---------------------------------------------------------------------


class KeyTaskGrade(StrEnum):
    """The five completion grades of a key task."""

    HIGH_QUALITY = "high_quality"
    GOOD = "good"
    COMPLETED = "completed"
    UNCOMPLETED = "uncompleted"
    NEGATIVE_IMPACT = "negative_impact"


KEY_TASK_POINTS: dict[str, Decimal] = {
    KeyTaskGrade.HIGH_QUALITY: Decimal(2),
    KeyTaskGrade.GOOD: Decimal(1),
    KeyTaskGrade.COMPLETED: ZERO,
    KeyTaskGrade.UNCOMPLETED: Decimal(-2),
    KeyTaskGrade.NEGATIVE_IMPACT: Decimal(-5),
}


def key_task_points(grades: Iterable[str]) -> Decimal:
    """Points of all key tasks of a scorecard, accumulated ("more labour, more reward")."""
    return sum((KEY_TASK_POINTS[KeyTaskGrade(g)] for g in grades), ZERO)


# --- Weights, cascade splits and alignment ------------------------------------------


def weights_total(weights: Iterable[Decimal]) -> Decimal:
    """The sum of the quantitative and milestone weights of a scorecard (should be 100)."""
    return sum(weights, ZERO)


def split_by_percentages(
    total: Decimal, percentages: Sequence[Decimal], places: int = 4
) -> list[Decimal]:
    """Split ``total`` by ``percentages`` (summing to 100) into amounts that add up exactly.

    Each share is rounded down (towards minus infinity) to ``places`` decimals and the
    leftover units go to the largest remainders, so the children always add up to the parent.
    """
    if sum(percentages, ZERO) != FULL_WEIGHT:
        raise ValueError("percentages must add up to 100")
    if any(p < 0 for p in percentages):
        raise ValueError("percentages cannot be negative")
    quantum = Decimal(1).scaleb(-places)
    exact = [total * p / FULL_WEIGHT for p in percentages]
    floors = [e.quantize(quantum, rounding=ROUND_FLOOR) for e in exact]
    leftover = int(((total.quantize(quantum) - sum(floors, ZERO)) / quantum).to_integral_value())
    order = sorted(range(len(exact)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[:leftover]:
        floors[i] += quantum
    return floors


def share_of(
    value: Decimal | None, part: Decimal, whole: Decimal, places: int = 4
) -> Decimal | None:
    """``value`` x part/whole, rounded to ``places`` (a tier carried down with its target)."""
    if value is None or whole == 0:
        return None
    return (value * part / whole).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def children_add_up(
    parent_target: Decimal, child_targets: Sequence[Decimal], aggregation: str, polarity: str
) -> bool:
    """Whether decomposed children cover their parent.

    Summed targets must add up to the parent's exactly. A ratio (average or last value)
    is carried down, so every child must be at least as demanding as the parent.
    """
    if not child_targets:
        return True
    if aggregation == SUM:
        return sum(child_targets, ZERO) == parent_target
    if polarity == LOWER:
        return all(t <= parent_target for t in child_targets)
    if polarity == RANGE:
        return True
    return all(t >= parent_target for t in child_targets)


def display(score: Decimal | None, places: int = 2) -> Decimal | None:
    """A score rounded for display (half up); computations keep full precision."""
    if score is None:
        return None
    return score.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
