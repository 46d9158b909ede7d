"""REST viewsets of the strategy. Reads start from the selectors' ``restrict``; writes call
the services. Executives edit draft plans in their scope; managers read their units' part;
employees read the published plan. Out of scope is 404, whatever the method."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from org.scoping import actor_of
from spm.api import ScopedViewSetMixin
from spm.clock import clock
from strategy import selectors, services
from strategy.api.serializers import (
    LinkSerializer,
    MapSerializer,
    ObjectiveSerializer,
    PerspectiveMoveSerializer,
    PerspectiveSerializer,
    PlanSerializer,
    StrategySerializer,
    ThemeSerializer,
)
from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    StrategicPlan,
    Strategy,
    Theme,
)
from strategy.status import objective_statuses


class StrategyViewSet(ScopedViewSetMixin, viewsets.ModelViewSet[Any]):
    """Reads through the scoped selector with the action the HTTP method asks for; writes
    via services, whose errors the API's one exception handler turns into answers."""

    selector: ClassVar[Any]

    def scoped(self, user: Any, action: str) -> QuerySet[Any]:
        return type(self).selector(user, action)

    def _fields(self, serializer: serializers.BaseSerializer[Any]) -> dict[str, Any]:
        return {k: v for k, v in serializer.validated_data.items() if k != "plan"}


class PlanViewSet(StrategyViewSet):
    """Strategic plans and their versions. Approving supersedes the previous version."""

    serializer_class = PlanSerializer
    selector = staticmethod(selectors.plans)
    filterset_fields = ["owner_unit", "status", "start_year"]
    search_fields = ["name", "mission", "vision"]
    ordering_fields = ["start_year", "version", "name"]
    ordering = ["-start_year", "-version"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.plan_create(
            actor=actor_of(self.request), **serializer.validated_data
        )

    def perform_update(self, serializer: Any) -> None:
        fields = {k: v for k, v in serializer.validated_data.items() if k != "owner_unit"}
        serializer.instance = services.plan_update(
            actor=actor_of(self.request), plan=serializer.instance, **fields
        )

    def perform_destroy(self, instance: StrategicPlan) -> None:
        services.plan_delete(actor=actor_of(self.request), plan=instance)

    @extend_schema(request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve this draft; the version it revises becomes superseded."""
        plan = services.plan_approve(actor=actor_of(request), plan=self.get_object(), clock=clock())
        return Response(self.get_serializer(plan).data)

    @extend_schema(request=None, responses={201: PlanSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request: Request, pk: Any = None) -> Response:
        """Start a draft copy of this approved version to revise."""
        draft = services.plan_new_version(actor=actor_of(request), plan=self.get_object())
        return Response(self.get_serializer(draft).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MapSerializer)
    @action(detail=True, methods=["get"])
    def map(self, request: Request, pk: Any = None) -> Response:
        """The laid-out strategy map: bands, objective boxes with status, link routes."""
        strategy_map = selectors.plan_map(request.user, self.get_object())
        layout = strategy_map.layout
        names = {p.pk: p.name for p in strategy_map.perspectives}
        downward = strategy_map.downward
        link_ids = {(lk.cause_id, lk.effect_id): lk.pk for lk in strategy_map.links}
        data = {
            "width": layout.width,
            "height": layout.height,
            "crossings": layout.crossings,
            "bands": [
                {"perspective": b.key, "name": names[b.key], "y": b.y, "height": b.height}
                for b in layout.bands
            ],
            "objectives": [
                {
                    "id": pk,
                    "code": o.code,
                    "name": o.name,
                    "perspective": o.perspective_id,
                    "owner_unit_name": o.owner_unit.name,
                    "status": strategy_map.statuses[pk],
                    "x": layout.boxes[pk].x,
                    "y": layout.boxes[pk].y,
                    "width": layout.boxes[pk].width,
                    "height": layout.boxes[pk].height,
                }
                for pk, o in strategy_map.objectives.items()
                if pk in layout.boxes
            ],
            "links": [
                {
                    "id": link_ids[(r.cause, r.effect)],
                    "cause": r.cause,
                    "effect": r.effect,
                    "points": [list(p) for p in r.points],
                    "downward": (r.cause, r.effect) in downward,
                }
                for r in layout.routes
            ],
            "warnings": [
                {"kind": w.kind.value, "path": list(w.path)} for w in strategy_map.warnings
            ],
        }
        return Response(MapSerializer(data).data)


class PerspectiveViewSet(StrategyViewSet):
    """The bands of a plan's map, in order. ``move`` reorders them."""

    serializer_class = PerspectiveSerializer
    selector = staticmethod(selectors.perspectives)
    filterset_fields = ["plan"]
    ordering = ["plan", "order"]

    def get_queryset(self) -> QuerySet[Perspective]:
        return super().get_queryset().order_by("plan", "order", "id")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.perspective_create(
            actor=actor_of(self.request),
            plan=serializer.validated_data["plan"],
            **self._fields(serializer),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.perspective_update(
            actor=actor_of(self.request),
            perspective=serializer.instance,
            **self._fields(serializer),
        )

    def perform_destroy(self, instance: Perspective) -> None:
        services.perspective_delete(actor=actor_of(self.request), perspective=instance)

    @extend_schema(request=PerspectiveMoveSerializer, responses=PerspectiveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: Any = None) -> Response:
        """Move the band up (negative offset) or down the map."""
        body = PerspectiveMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = services.perspective_move(
            actor=actor_of(request),
            perspective=self.get_object(),
            offset=body.validated_data["offset"],
        )
        return Response(self.get_serializer(moved).data)


class ThemeViewSet(StrategyViewSet):
    serializer_class = ThemeSerializer
    selector = staticmethod(selectors.themes)
    filterset_fields = ["plan"]
    search_fields = ["name"]
    ordering = ["plan", "order", "name"]

    def perform_create(self, serializer: Any) -> None:
        fields = {k: v for k, v in self._fields(serializer).items() if k != "order"}
        serializer.instance = services.theme_create(
            actor=actor_of(self.request), plan=serializer.validated_data["plan"], **fields
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.theme_update(
            actor=actor_of(self.request), theme=serializer.instance, **self._fields(serializer)
        )

    def perform_destroy(self, instance: Theme) -> None:
        services.theme_delete(actor=actor_of(self.request), theme=instance)


class StrategyLevelViewSet(StrategyViewSet):
    """Development, competitive and functional strategies of the units."""

    serializer_class = StrategySerializer
    selector = staticmethod(selectors.strategies)
    filterset_fields = ["plan", "level", "unit"]
    search_fields = ["name", "function"]
    ordering = ["plan", "level", "name"]

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.strategy_create(
            actor=actor_of(self.request),
            plan=serializer.validated_data["plan"],
            **self._fields(serializer),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.strategy_update(
            actor=actor_of(self.request), strategy=serializer.instance, **self._fields(serializer)
        )

    def perform_destroy(self, instance: Strategy) -> None:
        services.strategy_delete(actor=actor_of(self.request), strategy=instance)


class ObjectiveViewSet(StrategyViewSet):
    """Objectives of the map, each with its status colour."""

    serializer_class = ObjectiveSerializer
    selector = staticmethod(selectors.objectives)
    filterset_fields = ["plan", "perspective", "theme", "owner_unit", "parent"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]
    ordering = ["plan", "code"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "statuses": objective_statuses(rows)}
        data = self.get_serializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.objective_create(
            actor=actor_of(self.request),
            plan=serializer.validated_data["plan"],
            **self._fields(serializer),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.objective_update(
            actor=actor_of(self.request), objective=serializer.instance, **self._fields(serializer)
        )

    def perform_destroy(self, instance: Objective) -> None:
        services.objective_delete(actor=actor_of(self.request), objective=instance)


class LinkViewSet(StrategyViewSet):
    """Cause-effect links. Each carries the warnings it takes part in (cycle, downward)."""

    serializer_class = LinkSerializer
    selector = staticmethod(selectors.links)
    filterset_fields = ["plan", "cause", "effect"]
    ordering = ["plan", "pk"]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        warnings = selectors.warnings_by_plan(request.user, {row.plan_id for row in rows})
        context = {**self.get_serializer_context(), "warnings_by_plan": warnings}
        data = self.get_serializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.link_create(
            actor=actor_of(self.request),
            plan=serializer.validated_data["plan"],
            **self._fields(serializer),
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.link_update(
            actor=actor_of(self.request), link=serializer.instance, **self._fields(serializer)
        )

    def perform_destroy(self, instance: CauseEffectLink) -> None:
        services.link_delete(actor=actor_of(self.request), link=instance)
