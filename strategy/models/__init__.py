"""The strategy: plans, strategies at three levels, themes, perspectives, objectives, links.

Who sees what (one rule for every model here, see :class:`StrategyScopedQuerySet`):

- executives and admins see and edit everything whose unit lies in their granted subtree;
- managers and HR read the rows of the units in their subtree, drafts included ("their
  units' part");
- every employee reads the published plan: the approved version and the superseded
  versions before it, which stay readable. A manager is an employee too, so they read the
  whole published plan plus their units' part of a draft.
"""

from strategy.models.objectives import CauseEffectLink, LinkQuerySet, Objective, ObjectiveQuerySet
from strategy.models.plans import (
    PUBLISHED,
    Perspective,
    PlanChildQuerySet,
    PlanStatus,
    StrategicPlan,
    StrategicPlanQuerySet,
    Strategy,
    StrategyLevel,
    StrategyScopedQuerySet,
    Theme,
    UnitScopedQuerySet,
)

__all__ = [
    "PUBLISHED",
    "CauseEffectLink",
    "LinkQuerySet",
    "Objective",
    "ObjectiveQuerySet",
    "Perspective",
    "PlanChildQuerySet",
    "PlanStatus",
    "StrategicPlan",
    "StrategicPlanQuerySet",
    "Strategy",
    "StrategyLevel",
    "StrategyScopedQuerySet",
    "Theme",
    "UnitScopedQuerySet",
]
