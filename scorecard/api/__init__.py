"""REST API of the scorecard app under /api/v1/, all scoped like the pages.

One module per concept, serializers beside their viewsets: ``indicators``, ``scorecards``
(and "my targets"), ``items`` (monthly plan, cascade, bulk assignment), ``milestones``,
``alignment``, ``letters``, ``actuals`` (entry, approval, import, closed periods).

Viewsets call the services and let their errors through: ``spm.api.exception_handler``
answers a validation error with 400 and a stale edit or a change to a signed scorecard
with 409 (``code`` ``stale`` or ``locked``, ``current`` the stored object).
"""

from __future__ import annotations

from rest_framework.routers import BaseRouter

from scorecard.api.actuals import ActualImportViewSet, ActualViewSet, ClosedPeriodViewSet
from scorecard.api.alignment import AlignmentViewSet
from scorecard.api.indicators import IndicatorViewSet
from scorecard.api.items import ItemViewSet
from scorecard.api.letters import LetterViewSet
from scorecard.api.milestones import MilestoneViewSet
from scorecard.api.scorecards import MyTargetsViewSet, ScorecardViewSet


def register(router: BaseRouter) -> None:
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("scorecard-items", ItemViewSet, basename="scorecard-item")
    router.register("milestones", MilestoneViewSet, basename="milestone")
    router.register("my-targets", MyTargetsViewSet, basename="my-targets")
    router.register("alignment", AlignmentViewSet, basename="alignment")
    # Base names differ from the page URL names ("letter-list", "actual-import", ...).
    router.register("letters", LetterViewSet, basename="responsibilityletter")
    router.register("actuals", ActualViewSet, basename="monthlyactual")
    router.register("actual-imports", ActualImportViewSet, basename="actualimport")
    router.register("closed-periods", ClosedPeriodViewSet, basename="closedperiod")
