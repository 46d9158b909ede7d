"""One scorecard's result in one cycle: DESIGN §3.1-3.5 composed, with its explanation.

- item scores: quantitative items by the tiers of §3.1 on the period value against the
  period tiers, milestone items by §3.2 (with the scheme's grace period);
- exemptions (§3.4): an approved exemption removes an item; the remaining weights are
  rescaled to add up to 100;
- key tasks (§3.3): points per completion grade, accumulated;
- adjustments (§3.4): approved bonus points (capped per scorecard and cycle) and
  approved deductions;
- quantitative part = Σ item score x weight/100 + key-task points + adjustments (§3.5);
- final = (1 - w) x quantitative part + w x qualitative part, w the qualitative weight.
  **Without a qualitative rating** (no reviewer has rated yet, and 360° reviews do not
  exist yet) the final score is the quantitative part alone: the missing part's weight
  goes to the part that exists, the way an exemption's weight goes to the remaining
  items. The explanation says so; scoring a missing rating as 0 would turn "not rated"
  into a 20-point penalty.
- the final score is rounded once, to 2 decimals half up, and graded on that rounded
  value (the number a person reads); an approved veto forces *unqualified*.

Every intermediate value is kept exact; the explanation shows each exactly and rounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from assessment.rules.explanation import (
    RECORD,
    VERSION,
    expand,
    milestone_row,
    quantitative_row,
    scored,
    show,
)
from assessment.rules.inputs import AdjustmentKind, Decision, ScoreInput
from assessment.rules.period import Period, period_tiers, period_value
from assessment.rules.scheme import Grade, SchemeRules, grade_for
from scorecard.rules.scoring import MilestoneOutcome, milestone_points, tier_score

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    """The one rounding of §3.5: 2 decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ScoreResult:
    """The result of one scorecard; exact parts, the rounded final, grade and explanation
    (``record``, as stored; :attr:`explanation`, its full form, as shown)."""

    weighted_items: Decimal
    key_task_points: Decimal
    adjustments: Decimal
    quantitative_part: Decimal
    qualitative_part: Decimal | None
    final_exact: Decimal
    final: Decimal
    grade: Grade
    vetoed: bool
    record: dict[str, Any]

    @cached_property
    def explanation(self) -> dict[str, Any]:
        return expand(self.record)


def _milestone_item_score(
    lines: Any, period: Period, rules: SchemeRules
) -> tuple[Decimal | None, list[dict[str, Any]]]:
    counted = [m for m in lines if period.whole_year or m.due <= period.end]
    rows: list[dict[str, Any]] = []
    if not counted:
        return None, rows
    weights = [m.weight for m in counted]
    if any(w is None for w in weights):
        weights = [Decimal(1)] * len(counted)
    total_weight = sum((w for w in weights if w is not None), ZERO)
    points_sum = ZERO
    for m, w in zip(counted, weights, strict=True):
        assert w is not None
        points = milestone_points(
            MilestoneOutcome(due=m.due, completed_on=m.completed_on), period.end, rules.grace_days
        )
        points_sum += w * points
        late = (m.completed_on - m.due).days if m.completed_on else None
        rows.append(
            {
                "id": m.milestone_id,
                "name": m.name,
                "due": m.due.isoformat(),
                "completed_on": m.completed_on.isoformat() if m.completed_on else None,
                "confirmed": m.confirmed,
                "days_late": max(late, 0) if late is not None else None,
                "weight": show(w),
                "points": show(points),
            }
        )
    if total_weight <= 0:
        return None, rows
    return points_sum / total_weight, rows


def _items(data: ScoreInput, period: Period, rules: SchemeRules) -> list[_Item]:
    """Each weighted item with its score (exact) before exemptions and rescaling, and its
    row of the explanation record."""
    items: list[_Item] = []
    for q in data.quantitative:
        tiers = period_tiers(q.tiers, q.aggregation, period, q.monthly_plan)
        value = period_value(q.actuals, q.aggregation, period)
        score = ZERO if value is None else tier_score(tiers, value)
        row = quantitative_row(
            q.item_id, q.name, q.weight, q.tiers.polarity, q.aggregation, q.actuals,
            value, tiers,
        )  # fmt: skip
        items.append(_Item(q.item_id, q.weight, score, row))
    for m in data.milestones:
        milestone_score, lines = _milestone_item_score(m.milestones, period, rules)
        items.append(
            _Item(
                m.item_id,
                m.weight,
                milestone_score,
                milestone_row(m.item_id, m.name, m.weight, lines),
            )
        )
    return items


@dataclass
class _Item:
    id: int
    weight: Decimal
    score: Decimal | None
    row: list[Any]
    left_out: str | None = None


def _adjustments(data: ScoreInput, rules: SchemeRules) -> tuple[Decimal, list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    bonus_room = rules.bonus_cap
    total = ZERO
    for a in sorted(data.adjustments, key=lambda a: a.adjustment_id):
        row: dict[str, Any] = {
            "id": a.adjustment_id,
            "kind": a.kind,
            "points": show(a.points),
            "reason": a.reason,
            "status": a.status,
        }
        if a.status != Decision.APPROVED:
            row.update(counted="0", left_out="not_approved")
        elif a.kind == AdjustmentKind.DEDUCTION:
            total -= a.points
            row["counted"] = show(-a.points)
        else:
            counted = min(a.points, bonus_room)
            bonus_room -= counted
            total += counted
            row["counted"] = show(counted)
            if counted < a.points:
                row["left_out"] = "bonus_cap"
        rows.append(row)
    return total, rows


def compute_score(data: ScoreInput, period: Period, rules: SchemeRules) -> ScoreResult:
    """The result of one scorecard in one cycle (see the module docstring)."""
    exempt = {e.item_id: e for e in data.exemptions if e.status == Decision.APPROVED}
    items = _items(data, period, rules)
    for item in items:
        if item.id in exempt:
            item.left_out = "exempted"
        elif item.score is None:
            item.left_out = "nothing_due"
    counted = [i for i in items if i.left_out is None]
    weight_total = sum((i.weight for i in counted), ZERO)
    weighted_items = ZERO
    for item in items:
        if item.left_out is not None or weight_total <= 0:
            effective_weight = ZERO
        else:
            effective_weight = item.weight * HUNDRED / weight_total
        weighted = (item.score or ZERO) * effective_weight / HUNDRED
        weighted_items += weighted
        score_rounded = None if item.score is None else rounded(item.score)
        scored(item.row, effective_weight, item.score, score_rounded, weighted, item.left_out)

    key_rows: list[dict[str, Any]] = []
    key_points = ZERO
    for task in data.key_tasks:
        row: dict[str, Any] = {"id": task.item_id, "name": task.name, "grade": task.grade}
        if task.item_id in exempt:
            row.update(points="0", left_out="exempted")
        elif task.grade is None:
            row.update(points="0", left_out="not_graded")
        else:
            points = rules.key_task_points[task.grade]
            key_points += points
            row["points"] = show(points)
        key_rows.append(row)

    adjustments, adjustment_rows = _adjustments(data, rules)
    quantitative = weighted_items + key_points + adjustments
    qualitative = data.qualitative
    if qualitative is None:
        final_exact = quantitative
        formula = "final = quantitative part (no qualitative rating)"
    else:
        w = rules.qualitative_weight
        final_exact = (1 - w) * quantitative + w * qualitative
        formula = f"final = {show(1 - w)} x quantitative part + {show(w)} x qualitative part"
    final = rounded(final_exact)
    vetoes = [v for v in data.vetoes if v.status == Decision.APPROVED]
    grade = grade_for(final, rules, vetoed=bool(vetoes))

    record = {
        RECORD: VERSION,
        "period": {
            "year": period.year,
            "first_month": period.first_month,
            "last_month": period.last_month,
            "end": period.end.isoformat(),
        },
        "items": [i.row for i in items],
        "weights_rescaled": bool(counted) and weight_total != HUNDRED,
        "key_tasks": key_rows,
        "adjustments": adjustment_rows,
        "bonus_cap": show(rules.bonus_cap),
        "exemptions": [
            {"id": e.exemption_id, "item_id": e.item_id, "reason": e.reason, "status": e.status}
            for e in data.exemptions
        ],
        "vetoes": [
            {"id": v.veto_id, "reason": v.reason, "status": v.status, "counted": v in vetoes}
            for v in data.vetoes
        ],
        "arithmetic": {
            "weighted_items": show(weighted_items),
            "key_task_points": show(key_points),
            "adjustments": show(adjustments),
            "quantitative_part": show(quantitative),
            "qualitative_part": show(qualitative),
            "qualitative_weight": show(rules.qualitative_weight),
            "formula": formula,
            "final_exact": show(final_exact),
            "final": show(final),
            "grade": str(grade),
            "vetoed": bool(vetoes),
        },
    }
    return ScoreResult(
        weighted_items=weighted_items,
        key_task_points=key_points,
        adjustments=adjustments,
        quantitative_part=quantitative,
        qualitative_part=qualitative,
        final_exact=final_exact,
        final=final,
        grade=grade,
        vetoed=bool(vetoes),
        record=record,
    )
