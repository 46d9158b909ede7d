"""Indicators, scorecards and their items, milestones, letters and monthly actuals.

Split by concept; every model is importable from ``scorecard.models`` as before.
"""

from scorecard.models.actuals import ActualStatus, ClosedPeriod, MonthlyActual
from scorecard.models.indicators import (
    Aggregation,
    Frequency,
    Indicator,
    IndicatorQuerySet,
    Polarity,
)
from scorecard.models.items import (
    COMPLETE,
    MONTHS,
    ItemChildQuerySet,
    ItemMonthlyPlan,
    Milestone,
    MilestoneQuerySet,
)
from scorecard.models.letters import (
    LetterStatus,
    ResponsibilityLetter,
    ResponsibilityLetterQuerySet,
)
from scorecard.models.scorecards import (
    TIER_FIELDS,
    ItemKind,
    LockedByScorecard,
    Scorecard,
    ScorecardChildQuerySet,
    ScorecardItem,
    ScorecardLocked,
    ScorecardQuerySet,
    ScorecardStatus,
)

HistoricalIndicator = Indicator.history.model
HistoricalScorecard = Scorecard.history.model
HistoricalScorecardItem = ScorecardItem.history.model
HistoricalItemMonthlyPlan = ItemMonthlyPlan.history.model
HistoricalMilestone = Milestone.history.model
HistoricalResponsibilityLetter = ResponsibilityLetter.history.model
HistoricalMonthlyActual = MonthlyActual.history.model

__all__ = [
    "COMPLETE",
    "MONTHS",
    "TIER_FIELDS",
    "ActualStatus",
    "Aggregation",
    "ClosedPeriod",
    "Frequency",
    "HistoricalIndicator",
    "HistoricalItemMonthlyPlan",
    "HistoricalMilestone",
    "HistoricalMonthlyActual",
    "HistoricalResponsibilityLetter",
    "HistoricalScorecard",
    "HistoricalScorecardItem",
    "Indicator",
    "IndicatorQuerySet",
    "ItemChildQuerySet",
    "ItemKind",
    "ItemMonthlyPlan",
    "LetterStatus",
    "LockedByScorecard",
    "Milestone",
    "MilestoneQuerySet",
    "MonthlyActual",
    "Polarity",
    "ResponsibilityLetter",
    "ResponsibilityLetterQuerySet",
    "Scorecard",
    "ScorecardChildQuerySet",
    "ScorecardItem",
    "ScorecardLocked",
    "ScorecardQuerySet",
    "ScorecardStatus",
]
