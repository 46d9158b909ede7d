"""The assessment's scoring rules (DESIGN §3.1-3.5) as pure functions over plain values.

No ORM in here. ``scorecard.rules`` supplies the tier and milestone points; this package
composes them into a cycle's result: period values and targets (:mod:`.period`), the
scheme's numbers (:mod:`.scheme`), the total with its explanation (:mod:`.scoring`) and
calibration's forced distribution (:mod:`.distribution`).
"""

from assessment.rules.distribution import (
    DistributionCheck,
    Ranked,
    allowed_excellent,
    check_distribution,
    rank,
)
from assessment.rules.inputs import (
    Adjustment,
    AdjustmentKind,
    Decision,
    Exemption,
    KeyTask,
    MilestoneItem,
    MilestoneLine,
    QuantitativeItem,
    ScoreInput,
    Veto,
)
from assessment.rules.period import CycleKind, Period, period_target, period_tiers, period_value
from assessment.rules.scheme import (
    GRADE_ORDER,
    Grade,
    GradeBand,
    SchemeRules,
    coefficient_for,
    grade_for,
)
from assessment.rules.scoring import ScoreResult, compute_score, rounded, show

__all__ = [
    "GRADE_ORDER",
    "Adjustment",
    "AdjustmentKind",
    "CycleKind",
    "Decision",
    "DistributionCheck",
    "Exemption",
    "Grade",
    "GradeBand",
    "KeyTask",
    "MilestoneItem",
    "MilestoneLine",
    "Period",
    "QuantitativeItem",
    "Ranked",
    "SchemeRules",
    "ScoreInput",
    "ScoreResult",
    "Veto",
    "allowed_excellent",
    "check_distribution",
    "coefficient_for",
    "compute_score",
    "grade_for",
    "period_target",
    "period_tiers",
    "period_value",
    "rank",
    "rounded",
    "show",
]
