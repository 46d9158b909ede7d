"""Serializers of the strategy API. Fields are listed one by one (never ``__all__``), and
every related field only accepts rows the caller can see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from org.models import OrgUnit
from spm.api import ScopedPrimaryKeyField
from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    StrategicPlan,
    Strategy,
    Theme,
)
from strategy.rules import STATUSES, WarningKind
from strategy.status import objective_statuses

# A plain string in the schema: an enum here would collide with the plan's "status".
STATUS_HELP = f"Status colour of the objective: one of {', '.join(STATUSES)}."


class PlanSerializer(serializers.ModelSerializer[StrategicPlan]):
    owner_unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    core_values_list = serializers.ListField(
        source="values_list", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = StrategicPlan
        fields = [
            "id",
            "owner_unit",
            "name",
            "start_year",
            "end_year",
            "mission",
            "vision",
            "core_values",
            "core_values_list",
            "status",
            "version",
            "previous",
            "approved_at",
            "approved_by",
        ]
        read_only_fields = ["id", "status", "version", "previous", "approved_at", "approved_by"]

    def validate_owner_unit(self, value: OrgUnit) -> OrgUnit:
        if self.instance is not None and value.pk != self.instance.owner_unit_id:
            raise serializers.ValidationError(_("A plan cannot move to another unit."))
        return value


class PlanChildSerializer(serializers.ModelSerializer[Any]):
    """Rows of one plan: the plan is set on creation and never changes."""

    plan = ScopedPrimaryKeyField(queryset=StrategicPlan.objects.all())

    def validate_plan(self, value: StrategicPlan) -> StrategicPlan:
        if self.instance is not None and value.pk != self.instance.plan_id:
            raise serializers.ValidationError(_("A row cannot move to another plan."))
        return value


class PerspectiveSerializer(PlanChildSerializer):
    code = serializers.SlugField(max_length=40, required=False, allow_blank=True)

    class Meta:
        model = Perspective
        fields = ["id", "plan", "code", "name", "order"]
        read_only_fields = ["id", "order"]


class PerspectiveMoveSerializer(serializers.Serializer[Any]):
    offset = serializers.IntegerField(
        min_value=-20, max_value=20, help_text="Bands to move: negative is up the map."
    )


class ThemeSerializer(PlanChildSerializer):
    class Meta:
        model = Theme
        fields = ["id", "plan", "name", "description", "order"]
        read_only_fields = ["id"]


class StrategySerializer(PlanChildSerializer):
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id",
            "plan",
            "level",
            "unit",
            "unit_name",
            "function",
            "name",
            "mission",
            "description",
        ]
        read_only_fields = ["id"]


class ObjectiveSerializer(PlanChildSerializer):
    perspective = ScopedPrimaryKeyField(queryset=Perspective.objects.all())
    theme = ScopedPrimaryKeyField(queryset=Theme.objects.all(), allow_null=True, required=False)
    owner_unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    owner_unit_name = serializers.CharField(source="owner_unit.name", read_only=True)
    # DRF moves declared fields out of the class, so this does not shadow Field.parent.
    parent = ScopedPrimaryKeyField(  # type: ignore[assignment]
        queryset=Objective.objects.all(), allow_null=True, required=False
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = [
            "id",
            "plan",
            "perspective",
            "theme",
            "owner_unit",
            "owner_unit_name",
            "code",
            "name",
            "description",
            "parent",
            "carried_from",
            "status",
        ]
        read_only_fields = ["id", "carried_from"]

    @extend_schema_field(serializers.CharField(help_text=STATUS_HELP))
    def get_status(self, obj: Objective) -> str:
        statuses = self.context.get("statuses")
        if statuses is not None and obj.pk in statuses:
            return str(statuses[obj.pk])
        return objective_statuses([obj.pk])[obj.pk]


class LinkWarningSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[k.value for k in WarningKind])
    path = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Objective ids: the cycle (first repeated last) or the downward link.",
    )


class LinkSerializer(PlanChildSerializer):
    cause = ScopedPrimaryKeyField(queryset=Objective.objects.all())
    effect = ScopedPrimaryKeyField(queryset=Objective.objects.all())
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = CauseEffectLink
        fields = ["id", "plan", "cause", "effect", "note", "warnings"]
        read_only_fields = ["id"]

    @extend_schema_field(LinkWarningSerializer(many=True))
    def get_warnings(self, obj: CauseEffectLink) -> list[dict[str, Any]]:
        """The plan's warnings that this link takes part in (a cycle, or running down)."""
        by_plan = self.context.get("warnings_by_plan") or {}
        if obj.plan_id not in by_plan:  # a single link: lists pass every plan's warnings in
            from strategy.selectors import warnings_by_plan

            by_plan = warnings_by_plan(self.context["request"].user, {obj.plan_id})
        return [
            {"kind": w.kind.value, "path": list(w.path)}
            for w in by_plan[obj.plan_id]
            if w.involves(obj.cause_id, obj.effect_id)
        ]


# --- The map, for clients that draw it themselves ------------------------------------------
class MapBandSerializer(serializers.Serializer[Any]):
    perspective = serializers.IntegerField()
    name = serializers.CharField()
    y = serializers.FloatField()
    height = serializers.FloatField()


class MapObjectiveSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    perspective = serializers.IntegerField()
    owner_unit_name = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    x = serializers.FloatField()
    y = serializers.FloatField()
    width = serializers.FloatField()
    height = serializers.FloatField()


class MapLinkSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    cause = serializers.IntegerField()
    effect = serializers.IntegerField()
    points = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    downward = serializers.BooleanField()


class MapSerializer(serializers.Serializer[Any]):
    width = serializers.FloatField()
    height = serializers.FloatField()
    crossings = serializers.IntegerField()
    bands = MapBandSerializer(many=True)
    objectives = MapObjectiveSerializer(many=True)
    links = MapLinkSerializer(many=True)
    warnings = LinkWarningSerializer(many=True)
