"""Assessment schemes, cycles, results and their inputs; split by concept."""

from assessment.models.cycles import (
    COMPUTABLE_STATUSES,
    FINAL_STATUSES,
    STEPS,
    AssessmentCycle,
    AssessmentCycleQuerySet,
    CycleFinal,
    CycleKind,
    CycleStatus,
)
from assessment.models.inputs import (
    Adjustment,
    AdjustmentKind,
    DecisionStatus,
    Exemption,
    KeyTaskGrade,
    KeyTaskGradeChoice,
    MilestoneConfirmation,
    QualitativeRating,
    Veto,
)
from assessment.models.results import (
    GRADE_ORDER_VALUES,
    AssessmentResult,
    AssessmentResultQuerySet,
    FrozenWhenFinal,
    Grade,
    ResultChildQuerySet,
    ResultTally,
    ResultTallyQuerySet,
)
from assessment.models.schemes import AssessmentScheme, AssessmentSchemeQuerySet

__all__ = [
    "COMPUTABLE_STATUSES",
    "FINAL_STATUSES",
    "GRADE_ORDER_VALUES",
    "STEPS",
    "Adjustment",
    "AdjustmentKind",
    "AssessmentCycle",
    "AssessmentCycleQuerySet",
    "AssessmentResult",
    "AssessmentResultQuerySet",
    "AssessmentScheme",
    "AssessmentSchemeQuerySet",
    "CycleFinal",
    "CycleKind",
    "CycleStatus",
    "DecisionStatus",
    "Exemption",
    "FrozenWhenFinal",
    "Grade",
    "KeyTaskGrade",
    "KeyTaskGradeChoice",
    "MilestoneConfirmation",
    "QualitativeRating",
    "ResultChildQuerySet",
    "ResultTally",
    "ResultTallyQuerySet",
    "Veto",
]
