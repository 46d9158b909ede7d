"""API shapes of the assessment; every serializer lists its fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.models import (
    Adjustment,
    AssessmentCycle,
    AssessmentResult,
    CycleStatus,
    Exemption,
    Grade,
    KeyTaskGrade,
    KeyTaskGradeChoice,
    QualitativeRating,
    Veto,
)
from assessment.selectors import scores_visible
from org.models import OrgUnit
from scorecard.models import ScorecardItem
from spm.api import ScopedPrimaryKeyField


class CycleSerializer(serializers.ModelSerializer[AssessmentCycle]):
    root_units = ScopedPrimaryKeyField(many=True, queryset=OrgUnit.objects.all())
    owner_unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())
    next_status = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = AssessmentCycle
        fields = [
            "id",
            "name",
            "kind",
            "year",
            "period",
            "owner_unit",
            "root_units",
            "scheme",
            "scheme_snapshot",
            "status",
            "next_status",
            "self_assessment_due",
            "review_due",
            "calibration_due",
            "computed_at",
            "published_at",
            "version",
        ]
        read_only_fields = ["scheme_snapshot", "status", "computed_at", "published_at", "version"]


class AdvanceSerializer(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=CycleStatus.choices)
    version = serializers.IntegerField()  # the version opened: a person's step names it


class JobSerializer(serializers.Serializer[Any]):
    job = serializers.IntegerField()
    url = serializers.CharField()


class ResultSerializer(serializers.ModelSerializer[AssessmentResult]):
    """A result; its scores and explanation stay hidden from the person assessed until
    the cycle is published (``scores_visible`` false, the fields null)."""

    owner = serializers.CharField(source="owner_name", read_only=True)
    effective_grade = serializers.SerializerMethodField()
    scores_visible = serializers.SerializerMethodField()
    rating_version = serializers.SerializerMethodField(
        help_text=_(
            "The version of the qualitative rating, to send with a change of it (null: "
            "not rated yet)."
        )
    )
    SCORE_FIELDS = (
        "quantitative_part",
        "qualitative_part",
        "final_score",
        "grade",
        "vetoed",
        "calibrated_grade",
        "calibration_reason",
        "explanation",
        "effective_grade",
    )

    class Meta:
        model = AssessmentResult
        fields = [
            "id",
            "cycle",
            "scorecard",
            "unit",
            "employee",
            "owner",
            "quantitative_part",
            "qualitative_part",
            "final_score",
            "grade",
            "vetoed",
            "calibrated_grade",
            "calibration_reason",
            "calibrated_by",
            "effective_grade",
            "explanation",
            "self_assessment",
            "self_assessed_at",
            "reviewed_at",
            "acknowledged_at",
            "computed_at",
            "version",
            "rating_version",
            "scores_visible",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_rating_version(self, result: AssessmentResult) -> int | None:
        # the viewset selects the rating with the result (no query per row)
        try:
            return result.qualitative_rating.version
        except QualitativeRating.DoesNotExist:
            return None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_scores_visible(self, result: AssessmentResult) -> bool:
        return scores_visible(self.context["request"].user, result)

    @extend_schema_field(serializers.ChoiceField(choices=Grade.choices, allow_blank=True))
    def get_effective_grade(self, result: AssessmentResult) -> str:
        return result.effective_grade

    def to_representation(self, instance: AssessmentResult) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not data["scores_visible"]:
            for name in self.SCORE_FIELDS:
                data[name] = None
        return data


class CalibrateSerializer(serializers.Serializer[Any]):
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = serializers.CharField(allow_blank=True, required=False, default="")
    version = serializers.IntegerField()  # the version opened: a person's step names it


class SelfAssessSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    version = serializers.IntegerField()  # the result's version opened: a person's edit names it


class RateSerializer(serializers.Serializer[Any]):
    rating = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100)
    )
    note = serializers.CharField(allow_blank=True, required=False, default="")
    # an upsert: the first rating of a result has no version; a change needs the one read
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "To change a rating: the version of the rating you opened (a stale one is "
            "refused, 409). Leave it out only when rating the result the first time."
        ),
    )


class KeyTaskGradeSerializer(serializers.ModelSerializer[KeyTaskGrade]):
    result = ScopedPrimaryKeyField(queryset=AssessmentResult.objects.all())
    item = ScopedPrimaryKeyField(queryset=ScorecardItem.objects.all())
    grade = serializers.ChoiceField(choices=KeyTaskGradeChoice.choices)
    # an upsert: the first grade of a key task has no version; a change needs the one read
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "To change a key task's grade: the version of the grade you opened (a stale one "
            "is refused, 409). Leave it out only when grading the key task the first time."
        ),
    )

    class Meta:
        model = KeyTaskGrade
        fields = ["id", "result", "item", "grade", "note", "graded_by", "version"]
        read_only_fields = ["graded_by"]
        validators: list[Any] = []  # the service upserts per (result, item)


DECIDED_FIELDS = [
    "id",
    "result",
    "reason",
    "status",
    "proposed_by",
    "proposed_at",
    "decided_by",
    "decided_at",
    "decision_note",
    "version",
]
DECIDED_READ_ONLY = [
    "status",
    "proposed_by",
    "proposed_at",
    "decided_by",
    "decided_at",
    "decision_note",
    "version",
]


class AdjustmentSerializer(serializers.ModelSerializer[Adjustment]):
    result = ScopedPrimaryKeyField(queryset=AssessmentResult.objects.all())

    class Meta:
        model = Adjustment
        fields = [*DECIDED_FIELDS, "kind", "points"]
        read_only_fields = DECIDED_READ_ONLY


class VetoSerializer(serializers.ModelSerializer[Veto]):
    result = ScopedPrimaryKeyField(queryset=AssessmentResult.objects.all())

    class Meta:
        model = Veto
        fields = DECIDED_FIELDS
        read_only_fields = DECIDED_READ_ONLY


class ExemptionSerializer(serializers.ModelSerializer[Exemption]):
    result = ScopedPrimaryKeyField(queryset=AssessmentResult.objects.all())
    item = ScopedPrimaryKeyField(queryset=ScorecardItem.objects.all())

    class Meta:
        model = Exemption
        fields = [*DECIDED_FIELDS, "item"]
        read_only_fields = DECIDED_READ_ONLY


class DecideSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, required=False, default="")
    version = serializers.IntegerField()  # the version opened: a person's step names it
