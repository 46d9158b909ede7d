"""API serializers of the indicator dictionary, scorecards, items and milestones.

Fields are listed explicitly. Writes go through the services (see ``scorecard.api``);
related rows a caller cannot see are answered as if they did not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from org.models import Employee, OrgUnit
from scorecard.models import Indicator, ItemMonthlyPlan, Milestone, Scorecard, ScorecardItem
from scorecard.services.cascade import SplitMode
from strategy.models import Objective

MISSING = 'Invalid pk "%s" - object does not exist.'


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A foreign key whose choices are the rows the caller may see."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(queryset=model.objects.all(), **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.restrict(self.context["request"].user)


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    owner_unit = ScopedPrimaryKeyField(OrgUnit)
    smart_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "name",
            "definition",
            "unit_of_measure",
            "polarity",
            "data_source",
            "owner_unit",
            "frequency",
            "aggregation",
            "formula",
            "formula_is_expression",
            "smart_specific",
            "smart_measurable",
            "smart_agreed",
            "smart_realistic",
            "smart_time_bound",
            "smart_complete",
            "active",
        ]
        read_only_fields = ["id", "smart_complete"]
        # Uniqueness and formulas are checked by the model when the service saves.
        extra_kwargs = {"code": {"validators": []}}


class EvaluateSerializer(serializers.Serializer[Any]):
    values = serializers.DictField(
        child=serializers.DecimalField(max_digits=28, decimal_places=8),
        help_text="Measured values by indicator code.",
    )


class EvaluateResultSerializer(serializers.Serializer[Any]):
    value = serializers.DecimalField(max_digits=40, decimal_places=12, allow_null=True)
    error = serializers.CharField(allow_blank=True)


class ScorecardSerializer(serializers.ModelSerializer[Scorecard]):
    unit = ScopedPrimaryKeyField(OrgUnit, required=False)
    employee = ScopedPrimaryKeyField(Employee, required=False, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True, default=None)
    item_count = serializers.IntegerField(read_only=True)
    weight_total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True)
    letter_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "unit",
            "unit_name",
            "employee",
            "employee_name",
            "year",
            "plan",
            "status",
            "item_count",
            "weight_total",
            "letter_status",
        ]
        read_only_fields = ["id", "plan", "status"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("unit") is None and attrs.get("employee") is None:
            raise serializers.ValidationError({"unit": _("Give a unit or an employee.")})
        return attrs


class MonthValueSerializer(serializers.Serializer[Any]):
    month = serializers.IntegerField(min_value=1, max_value=12)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)


class ItemSerializer(serializers.ModelSerializer[ScorecardItem]):
    scorecard = ScopedPrimaryKeyField(Scorecard)
    objective = ScopedPrimaryKeyField(Objective, required=False, allow_null=True)
    indicator = ScopedPrimaryKeyField(Indicator, required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        help_text="The version you read. Required to change an item: an edit based on an "
        "older version is refused with 409.",
    )
    monthly_plan = serializers.SerializerMethodField()

    class Meta:
        model = ScorecardItem
        fields = [
            "id",
            "scorecard",
            "kind",
            "objective",
            "indicator",
            "parent",
            "name",
            "description",
            "weight",
            "polarity",
            "aggregation",
            "unit_of_measure",
            "floor",
            "baseline",
            "target",
            "challenge",
            "range_low",
            "range_high",
            "last_year",
            "benchmark",
            "order",
            "version",
            "monthly_plan",
        ]
        read_only_fields = ["id", "parent", "monthly_plan"]
        extra_kwargs = {"order": {"required": False}}

    @extend_schema_field(MonthValueSerializer(many=True))
    def get_monthly_plan(self, item: ScorecardItem) -> list[dict[str, Any]]:
        rows: list[ItemMonthlyPlan] = (
            item.plan_rows if hasattr(item, "plan_rows") else list(item.monthly_plans.all())
        )
        return [{"month": p.month, "value": str(p.value)} for p in rows]


class MonthlyPlanSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField()
    months = MonthValueSerializer(many=True)


class AllocationSerializer(serializers.Serializer[Any]):
    unit = ScopedPrimaryKeyField(OrgUnit, required=False, allow_null=True)
    employee = ScopedPrimaryKeyField(Employee, required=False, allow_null=True)
    share = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True
    )
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )


class CascadeSerializer(serializers.Serializer[Any]):
    mode = serializers.ChoiceField(choices=SplitMode.choices)
    allocations = AllocationSerializer(many=True)


class CascadeResultSerializer(serializers.Serializer[Any]):
    items = serializers.ListField(child=serializers.IntegerField())
    scorecards_created = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


class BulkAssignSerializer(serializers.Serializer[Any]):
    unit = ScopedPrimaryKeyField(OrgUnit)
    job_title = serializers.CharField(required=False, allow_blank=True, default="")
    include_subunits = serializers.BooleanField(required=False, default=True)
    weight = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )


class BulkAssignResultSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    already = serializers.IntegerField()
    locked = serializers.IntegerField()
    scorecards_created = serializers.IntegerField()


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    item = ScopedPrimaryKeyField(ScorecardItem)
    responsible_unit = ScopedPrimaryKeyField(OrgUnit)
    counterpart_unit = ScopedPrimaryKeyField(OrgUnit, required=False, allow_null=True)
    responsible_unit_name = serializers.CharField(source="responsible_unit.name", read_only=True)
    counterpart_unit_name = serializers.CharField(
        source="counterpart_unit.name", read_only=True, default=None
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "item",
            "name",
            "due_date",
            "completion_standard",
            "weight",
            "responsible_unit",
            "responsible_unit_name",
            "counterpart_unit",
            "counterpart_unit_name",
            "completed_on",
            "order",
        ]
        read_only_fields = ["id", "completed_on"]
        extra_kwargs = {"order": {"required": False}}


class CompleteSerializer(serializers.Serializer[Any]):
    completed_on = serializers.DateField(allow_null=True)


# --- My targets and alignment (read-only) ------------------------------------------


class LineStepSerializer(serializers.Serializer[Any]):
    item_id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField()


class ObjectiveRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    owner_unit = serializers.CharField(source="owner_unit.name")


class TargetSerializer(serializers.Serializer[Any]):
    item = ItemSerializer()
    line = LineStepSerializer(many=True, source="line.steps")
    objectives = ObjectiveRefSerializer(many=True, source="line.objectives")
    latest_month = serializers.IntegerField(source="progress.latest_month", allow_null=True)
    latest_value = serializers.DecimalField(
        source="progress.latest_value", max_digits=18, decimal_places=4, allow_null=True
    )
    score_to_date = serializers.DecimalField(
        source="progress.score_display", max_digits=7, decimal_places=2, allow_null=True
    )


class LetterRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)


class MyTargetsSerializer(serializers.Serializer[Any]):
    scorecard = ScorecardSerializer(allow_null=True)
    targets = TargetSerializer(many=True, source="rows")
    letter = LetterRefSerializer(allow_null=True)


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
    def get_children(self, node: Any) -> list[dict[str, Any]]:
        return NodeSerializer(node.children, many=True).data  # type: ignore[return-value]


class BranchSerializer(serializers.Serializer[Any]):
    objective = ObjectiveRefSerializer(allow_null=True)
    nodes = NodeSerializer(many=True)


class AlignmentSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    year = serializers.IntegerField()
    plan = serializers.IntegerField(source="plan.pk", allow_null=True, default=None)
    branches = BranchSerializer(many=True)
    problems = ProblemCountsSerializer(source="*")
