"""REST API of the org app: units, employees and the signed-in user, all scoped."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from org import selectors, services
from org.models import Employee, OrgUnit
from org.scoping import actor_of, scope_of
from spm.api import (
    ScopedPrimaryKeyField,
    ScopedViewSetMixin,
    WithinFilterSet,
)
from spm.cursor import KeysetPagination
from spm.schema import SingleObjectSchema


def _version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you read; required on an edit. A stale one answers 409.",
    )


def _edit(validated: dict[str, Any]) -> tuple[int | None, dict[str, Any]]:
    """The version an edit was based on, and the fields it changes."""
    fields = dict(validated)
    return fields.pop("version", None), fields


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    # Required on create (``null`` names a root unit, which only a superuser may create);
    # a missing parent is a 400, not an error deep in the service.
    parent = ScopedPrimaryKeyField(  # type: ignore[assignment]
        queryset=OrgUnit.objects.all(), allow_null=True
    )
    version = _version_field()

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "parent",
            "depth",
            "sort_order",
            "head",
            "active",
            "version",
        ]
        read_only_fields = ["id", "depth", "head"]


class OrgUnitFilter(WithinFilterSet):
    class Meta:
        model = OrgUnit
        fields = ["parent", "kind", "active", "depth"]


class OrgUnitViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[OrgUnit],
):
    """Org units in the caller's scope. Admins may create and edit inside their scope."""

    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "code"]
    ordering = ["path"]

    def scoped(self, user: Any, action: str) -> QuerySet[OrgUnit]:
        return selectors.org_units(user, action)

    def perform_create(self, serializer: serializers.BaseSerializer[OrgUnit]) -> None:
        serializer.instance = services.org_unit_create(
            actor=actor_of(self.request),
            **{k: v for k, v in _edit(serializer.validated_data)[1].items() if k != "active"},
        )

    def perform_update(self, serializer: serializers.BaseSerializer[OrgUnit]) -> None:
        assert serializer.instance is not None
        version, fields = _edit(serializer.validated_data)
        serializer.instance = services.org_unit_update(
            actor=actor_of(self.request),
            unit=serializer.instance,
            expected_version=version,
            **fields,
        )


class EmployeeSerializer(serializers.ModelSerializer[Employee]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    line_manager = ScopedPrimaryKeyField(
        queryset=Employee.objects.all(), allow_null=True, required=False
    )
    version = _version_field()

    class Meta:
        model = Employee
        fields = [
            "id",
            "employee_no",
            "name",
            "username",
            "unit",
            "unit_name",
            "job_title",
            "line_manager",
            "base_bonus",
            "active",
            "version",
        ]
        read_only_fields = ["id", "employee_no", "username"]


class EmployeeFilter(WithinFilterSet):
    class Meta:
        model = Employee
        fields = ["unit", "job_title", "active", "line_manager"]


class EmployeeViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Employee],
):
    """Employees in the caller's scope; HR and admins may edit them."""

    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter
    pagination_class = KeysetPagination
    search_fields = ["name", "employee_no", "job_title"]
    ordering_fields = ["name", "employee_no", "job_title"]
    ordering = ["name", "employee_no"]

    def scoped(self, user: Any, action: str) -> QuerySet[Employee]:
        return selectors.employees(user, action).select_related("unit", "user")

    def perform_update(self, serializer: serializers.BaseSerializer[Employee]) -> None:
        assert serializer.instance is not None
        version, fields = _edit(serializer.validated_data)
        serializer.instance = services.employee_update(
            actor=actor_of(self.request),
            employee=serializer.instance,
            expected_version=version,
            **fields,
        )


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    employee = EmployeeSerializer(allow_null=True)


class MeViewSet(viewsets.GenericViewSet[Any]):
    """The signed-in user: their roles and employee record."""

    serializer_class = MeSerializer
    schema = SingleObjectSchema()
    pagination_class = None
    filter_backends: list[Any] = []

    def list(self, request: Request) -> Response:
        scope = scope_of(request.user)
        employee = (
            selectors.employee_get(request.user, scope.employee_id)
            if scope.employee_id is not None
            else None
        )
        roles = sorted(scope.roles | ({"superuser"} if scope.superuser else set()))
        data = {
            "username": request.user.get_username(),
            "roles": roles,
            "employee": EmployeeSerializer(employee, context={"request": request}).data
            if employee
            else None,
        }
        return Response(data)


def register(router: BaseRouter) -> None:
    router.register("org-units", OrgUnitViewSet, basename="orgunit")
    router.register("employees", EmployeeViewSet, basename="employee")
    router.register("me", MeViewSet, basename="me")
