"""API of the alignment view: objectives → unit items → employee items of a unit's
subtree, with the problems counted (uncovered objectives, weights, sums, unlinked items)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from org import selectors as org_selectors
from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER, scope_of
from scorecard.api.scorecards import YEAR, ObjectiveRefSerializer
from scorecard.selectors import alignment as selectors
from scorecard.views.common import year_of
from spm.schema import SingleObjectSchema


class ProblemCountsSerializer(serializers.Serializer[Any]):
    uncovered_objectives = ObjectiveRefSerializer(many=True, source="uncovered")
    weights_not_100 = serializers.IntegerField(source="weights.total")
    children_not_adding_up = serializers.IntegerField(source="sums.total")
    items_without_objective = serializers.IntegerField(source="unlinked.total")


class NodeSerializer(serializers.Serializer[Any]):
    item = serializers.IntegerField(source="item.pk")
    name = serializers.CharField(source="item.name")
    unit = serializers.CharField(source="item.scorecard.unit.name")
    target = serializers.DecimalField(
        source="item.target", max_digits=18, decimal_places=4, allow_null=True
    )
    employee_items = serializers.IntegerField(source="summary.employees")
    adds_up = serializers.BooleanField()
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node: Any) -> Any:
        return NodeSerializer(node.children, many=True).data


class BranchSerializer(serializers.Serializer[Any]):
    objective = ObjectiveRefSerializer(allow_null=True)
    nodes = NodeSerializer(many=True)


class AlignmentSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    year = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan.pk", allow_null=True, default=None)
    branches = BranchSerializer(many=True)
    problems = ProblemCountsSerializer(source="*")


class AlignmentViewSet(viewsets.ViewSet):
    """Objectives → unit items → employee items of a unit's subtree, with the problems."""

    schema = SingleObjectSchema()

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter(
                "unit", OpenApiTypes.INT, description="Default: the top of your scope."
            ),
            OpenApiParameter("plan", OpenApiTypes.INT, description="Default: the approved plan."),
            OpenApiParameter("levels", OpenApiTypes.INT, description="Levels of sub-units (2)."),
        ],
        responses=AlignmentSerializer,
    )
    def list(self, request: Request) -> Response:
        if not scope_of(request.user).has_role(MANAGER, HR, EXECUTIVE, ADMIN):
            raise exceptions.NotFound
        params = request.query_params
        if params.get("unit", "").isdigit():
            unit = org_selectors.org_unit_get(request.user, int(params["unit"]))
        else:
            top = org_selectors.org_scope_roots(request.user).first()
            if top is None:
                raise exceptions.NotFound
            unit = top
        year = year_of(request._request)
        _plans, plan = selectors.plan_choice(request.user, unit, year, params.get("plan", ""))
        levels = min(int(params["levels"]), 6) if params.get("levels", "").isdigit() else 2
        view = selectors.alignment(request.user, unit=unit, year=year, plan=plan, levels=levels)
        return Response(AlignmentSerializer(view).data)
