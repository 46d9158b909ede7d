"""The plain values a score is computed from: one scorecard's items and the cycle's inputs.

The computation task reads the database once per chunk and builds these; the rules never
see a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from scorecard.rules.scoring import Tiers, plain_repr


class Decision(StrEnum):
    """Where an adjustment, veto or exemption stands; only approved ones count (§3.4)."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class AdjustmentKind(StrEnum):
    BONUS = "bonus"
    DEDUCTION = "deduction"


@plain_repr
@dataclass(frozen=True)
class QuantitativeItem:
    item_id: int
    name: str
    weight: Decimal
    tiers: Tiers
    aggregation: str
    actuals: Mapping[int, Decimal] = field(default_factory=dict)
    monthly_plan: Mapping[int, Decimal] = field(default_factory=dict)


@plain_repr
@dataclass(frozen=True)
class MilestoneLine:
    """One milestone: its due date, the completion date that counts, and whether a
    reviewer confirmed it (a confirmation may correct the date recorded by the owner)."""

    milestone_id: int
    name: str
    due: date
    completed_on: date | None = None
    weight: Decimal | None = None
    confirmed: bool = False


@plain_repr
@dataclass(frozen=True)
class MilestoneItem:
    item_id: int
    name: str
    weight: Decimal
    milestones: Sequence[MilestoneLine] = ()


@plain_repr
@dataclass(frozen=True)
class KeyTask:
    item_id: int
    name: str
    grade: str | None = None  # None: not graded yet (counts 0, and the explanation says so)


@plain_repr
@dataclass(frozen=True)
class Adjustment:
    adjustment_id: int
    kind: str
    points: Decimal
    reason: str
    status: str


@plain_repr
@dataclass(frozen=True)
class Veto:
    veto_id: int
    reason: str
    status: str


@plain_repr
@dataclass(frozen=True)
class Exemption:
    exemption_id: int
    item_id: int
    reason: str
    status: str


@plain_repr
@dataclass(frozen=True)
class ScoreInput:
    """Everything that decides one scorecard's result in one cycle."""

    quantitative: Sequence[QuantitativeItem] = ()
    milestones: Sequence[MilestoneItem] = ()
    key_tasks: Sequence[KeyTask] = ()
    adjustments: Sequence[Adjustment] = ()
    vetoes: Sequence[Veto] = ()
    exemptions: Sequence[Exemption] = ()
    qualitative: Decimal | None = None
