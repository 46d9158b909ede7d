"""REST API of the strategy app under /api/v1/, all scoped like the pages."""

from __future__ import annotations

from rest_framework.routers import BaseRouter

from strategy.api.views import (
    LinkViewSet,
    ObjectiveViewSet,
    PerspectiveViewSet,
    PlanViewSet,
    StrategyLevelViewSet,
    ThemeViewSet,
)


def register(router: BaseRouter) -> None:
    router.register("strategic-plans", PlanViewSet, basename="strategicplan")
    router.register("perspectives", PerspectiveViewSet, basename="perspective")
    router.register("strategic-themes", ThemeViewSet, basename="strategictheme")
    router.register("strategies", StrategyLevelViewSet, basename="strategy")
    router.register("objectives", ObjectiveViewSet, basename="objective")
    router.register("cause-effect-links", LinkViewSet, basename="causeeffectlink")
