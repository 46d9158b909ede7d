"""REST API of the org app: units, employees and the signed-in user, all scoped."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from org import selectors, services
from org.models import Employee, OrgUnit
from org.scoping import CHANGE, scope_of


class OrgUnitSerializer(serializers.ModelSerializer[OrgUnit]):
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=OrgUnit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "kind", "parent", "depth", "sort_order", "head", "active"]
        read_only_fields = ["id", "depth", "head"]

    def validate_parent(self, value: OrgUnit | None) -> OrgUnit | None:
        # A parent the caller cannot see does not exist for them.
        if (
            value is not None
            and not OrgUnit.objects.restrict(self.context["request"].user)
            .filter(pk=value.pk)
            .exists()
        ):
            raise serializers.ValidationError(f'Invalid pk "{value.pk}" - object does not exist.')
        return value


class OrgUnitFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="Within unit (subtree)")

    class Meta:
        model = OrgUnit
        fields = ["parent", "kind", "active", "depth"]

    def filter_within(
        self, queryset: QuerySet[OrgUnit], name: str, value: Any
    ) -> QuerySet[OrgUnit]:
        unit = OrgUnit.objects.filter(pk=value).only("path").first()
        return queryset.filter(path__startswith=unit.path) if unit else queryset.none()


class OrgUnitViewSet(
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

    def get_queryset(self) -> QuerySet[OrgUnit]:
        action_name = CHANGE if self.action in {"update", "partial_update"} else "view"
        return selectors.org_units(self.request.user, action_name)

    def perform_create(self, serializer: serializers.BaseSerializer[OrgUnit]) -> None:
        serializer.instance = services.org_unit_create(
            actor=self.request.user,
            **{k: v for k, v in serializer.validated_data.items() if k != "active"},
        )

    def perform_update(self, serializer: serializers.BaseSerializer[OrgUnit]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.org_unit_update(
            actor=self.request.user, unit=serializer.instance, **serializer.validated_data
        )


class EmployeeSerializer(serializers.ModelSerializer[Employee]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

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
        ]
        read_only_fields = ["id", "employee_no", "username"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        unit = attrs.get("unit")
        if unit is not None and not OrgUnit.objects.restrict(user).filter(pk=unit.pk).exists():
            raise serializers.ValidationError({"unit": "Invalid pk - object does not exist."})
        manager = attrs.get("line_manager")
        if (
            manager is not None
            and not Employee.objects.restrict(user).filter(pk=manager.pk).exists()
        ):
            raise serializers.ValidationError(
                {"line_manager": "Invalid pk - object does not exist."}
            )
        return attrs


class EmployeeFilter(django_filters.FilterSet):
    within = django_filters.NumberFilter(method="filter_within", label="Within unit (subtree)")

    class Meta:
        model = Employee
        fields = ["unit", "job_title", "active", "line_manager"]

    def filter_within(
        self, queryset: QuerySet[Employee], name: str, value: Any
    ) -> QuerySet[Employee]:
        unit = OrgUnit.objects.filter(pk=value).only("path").first()
        return queryset.filter(unit__path__startswith=unit.path) if unit else queryset.none()


class EmployeeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Employee],
):
    """Employees in the caller's scope; HR and admins may edit them."""

    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter
    search_fields = ["name", "employee_no", "job_title"]
    ordering_fields = ["name", "employee_no", "job_title"]
    ordering = ["name", "employee_no"]

    def get_queryset(self) -> QuerySet[Employee]:
        action_name = CHANGE if self.action in {"update", "partial_update"} else "view"
        return selectors.employees(self.request.user, action_name).select_related("unit", "user")

    def perform_update(self, serializer: serializers.BaseSerializer[Employee]) -> None:
        assert serializer.instance is not None
        serializer.instance = services.employee_update(
            actor=self.request.user, employee=serializer.instance, **serializer.validated_data
        )


class MeSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    employee = EmployeeSerializer(allow_null=True)


class MeViewSet(viewsets.GenericViewSet[Any]):
    """The signed-in user: their roles and employee record."""

    serializer_class = MeSerializer
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
