from reviews.models.appeals import Appeal, AppealStatus
from reviews.models.bars import BarsAnchor, Behaviour
from reviews.models.feedback import FeedbackMessage, FeedbackThread, FeedbackTopic
from reviews.models.incidents import CriticalIncident, IncidentKind
from reviews.models.interviews import Interview, InterviewStatus
from reviews.models.plans import ActionStage, ImprovementPlan, PlanAction, PlanStatus
from reviews.models.policy import ReviewPolicy
from reviews.models.reviews import Review, ReviewerKind

__all__ = [
    "ActionStage",
    "Appeal",
    "AppealStatus",
    "BarsAnchor",
    "Behaviour",
    "CriticalIncident",
    "FeedbackMessage",
    "FeedbackThread",
    "FeedbackTopic",
    "ImprovementPlan",
    "IncidentKind",
    "Interview",
    "InterviewStatus",
    "PlanAction",
    "PlanStatus",
    "Review",
    "ReviewPolicy",
    "ReviewerKind",
]
