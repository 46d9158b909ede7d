"""API shapes of the people side; every serializer lists its fields. No shape that a
reviewee can reach carries a reviewer: a review is serialised for its reviewer only, and a
result's reviews as groups."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessment.models import AssessmentResult, AssessmentScheme
from org.models import Employee, OrgUnit
from reviews.models import (
    ActionStage,
    Appeal,
    BarsAnchor,
    CriticalIncident,
    FeedbackMessage,
    FeedbackThread,
    ImprovementPlan,
    Interview,
    PlanAction,
    Review,
    ReviewPolicy,
)
from scorecard.models import ScorecardItem
from spm.api import ScopedPrimaryKeyField

SCORE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}


class ReviewSerializer(serializers.ModelSerializer[Review]):
    """A review as its reviewer sees it (nobody else reaches a review row)."""

    reviewee = serializers.CharField(source="result.owner_name", read_only=True)
    cycle = serializers.CharField(source="result.cycle.name", read_only=True)
    scheme = serializers.IntegerField(source="result.cycle.scheme_id", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id", "result", "reviewee", "cycle", "scheme", "kind", "integrity", "synergy",
            "systematicness", "comment", "submitted_at", "version",
        ]  # fmt: skip
        read_only_fields = fields


class ReviewSubmitSerializer(serializers.Serializer[Any]):
    integrity = serializers.DecimalField(**SCORE)
    synergy = serializers.DecimalField(**SCORE)
    systematicness = serializers.DecimalField(**SCORE)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField()  # the version opened: a person's edit names it


class ReviewGroupSerializer(serializers.Serializer[Any]):
    kinds = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
    mean = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    merged = serializers.BooleanField()


class ReviewSummarySerializer(serializers.Serializer[Any]):
    result = serializers.IntegerField()
    published = serializers.BooleanField()
    merged = serializers.BooleanField()
    self_assessed = serializers.BooleanField()
    groups = ReviewGroupSerializer(many=True)
    appeal_deadline = serializers.DateField(allow_null=True)


class ReviewCompletionSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()


class ReviewerSlotSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    reviewer = serializers.IntegerField(source="reviewer_id")
    reviewer_name = serializers.CharField()
    kind = serializers.CharField()
    answered = serializers.BooleanField()
    version = serializers.IntegerField()


class ReviewAnswerSerializer(serializers.Serializer[Any]):
    """Who said what — for HR only, where the scheme's review policy allows it."""

    id = serializers.IntegerField(source="pk")
    reviewer = serializers.IntegerField(source="reviewer_id")
    reviewer_name = serializers.CharField()
    kind = serializers.CharField()
    integrity = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    synergy = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    systematicness = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    comment = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class ReviewerAssignSerializer(serializers.Serializer[Any]):
    reviewer = ScopedPrimaryKeyField(queryset=Employee.objects.all())
    kind = serializers.ChoiceField(choices=["self", "superior", "peer", "subordinate"])
    # an upsert: asking someone new has no version; changing the kind of one asked does
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "To change the kind of a reviewer already asked: the version of their review "
            "you read (a stale one is refused, 409). Leave it out when asking someone new."
        ),
    )


class ReviewerWithdrawSerializer(serializers.Serializer[Any]):
    review = serializers.IntegerField()
    version = serializers.IntegerField()  # the review's version read: a person's edit names it


class BarsAnchorSerializer(serializers.ModelSerializer[BarsAnchor]):
    scheme = ScopedPrimaryKeyField(queryset=AssessmentScheme.objects.all())
    # an upsert: describing a level the first time has no version; a change needs the one read
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "To change a level already described: the version of the anchor you opened (a "
            "stale one is refused, 409). Leave it out only when describing the level first."
        ),
    )

    class Meta:
        model = BarsAnchor
        fields = ["id", "scheme", "behaviour", "level", "description", "version"]
        validators: list[Any] = []  # the service upserts per (scheme, behaviour, level)


class ReviewPolicySerializer(serializers.ModelSerializer[ReviewPolicy]):
    """A scheme version's review policy; ``version`` on a write is the one the editor saw
    (a stale one is refused, 409)."""

    scheme = ScopedPrimaryKeyField(queryset=AssessmentScheme.objects.all())
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "The version of the policy you opened (a stale one is refused, 409); needed once "
            "the scheme has its own policy, not when setting its first."
        ),
    )

    class Meta:
        model = ReviewPolicy
        fields = ["id", "scheme", "hr_reads_answers", "version"]
        validators: list[Any] = []  # the service upserts per scheme


class IncidentSerializer(serializers.ModelSerializer[CriticalIncident]):
    employee = ScopedPrimaryKeyField(queryset=Employee.objects.all())
    employee_name = serializers.CharField(source="employee.name", read_only=True)

    class Meta:
        model = CriticalIncident
        fields = [
            "id", "employee", "employee_name", "unit", "occurred_on", "kind", "description",
            "recorded_at", "version",
        ]  # fmt: skip
        read_only_fields = ["unit", "recorded_at", "version"]


class IncidentUpdateSerializer(serializers.Serializer[Any]):
    occurred_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=["positive", "negative"])
    description = serializers.CharField()
    version = serializers.IntegerField()  # the version opened: a person's edit names it


class FeedbackMessageSerializer(serializers.ModelSerializer[FeedbackMessage]):
    author_name = serializers.CharField(source="author.name", read_only=True)

    class Meta:
        model = FeedbackMessage
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = fields


class FeedbackThreadSerializer(serializers.ModelSerializer[FeedbackThread]):
    employee = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(), required=False, allow_null=True
    )
    result = ScopedPrimaryKeyField(
        queryset=AssessmentResult.objects.all(), required=False, allow_null=True
    )
    item = ScopedPrimaryKeyField(
        queryset=ScorecardItem.objects.all(), required=False, allow_null=True
    )
    body = serializers.CharField(write_only=True)
    messages = FeedbackMessageSerializer(many=True, read_only=True)

    class Meta:
        model = FeedbackThread
        fields = [
            "id", "topic", "employee", "result", "item", "subject", "private", "started_by",
            "created_at", "last_message_at", "body", "messages",
        ]  # fmt: skip
        read_only_fields = ["started_by", "created_at", "last_message_at", "messages"]


class FeedbackReplySerializer(serializers.Serializer[Any]):
    body = serializers.CharField()


class InterviewSerializer(serializers.ModelSerializer[Interview]):
    employee = ScopedPrimaryKeyField(queryset=Employee.objects.all())
    result = ScopedPrimaryKeyField(
        queryset=AssessmentResult.objects.all(), required=False, allow_null=True
    )
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id", "employee", "manager", "result", "scheduled_for", "place", "strengths",
            "gaps", "agreed_actions", "recorded_at", "employee_acknowledged_at",
            "manager_acknowledged_at", "status", "version",
        ]  # fmt: skip
        read_only_fields = [
            "manager", "strengths", "gaps", "agreed_actions", "recorded_at",
            "employee_acknowledged_at", "manager_acknowledged_at", "version",
        ]  # fmt: skip


class InterviewRecordSerializer(serializers.Serializer[Any]):
    strengths = serializers.CharField(allow_blank=True, default="")
    gaps = serializers.CharField(allow_blank=True, default="")
    agreed_actions = serializers.CharField(allow_blank=True, default="")
    version = serializers.IntegerField()  # the version opened: a person's edit names it


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    result = ScopedPrimaryKeyField(queryset=AssessmentResult.objects.all())
    person = serializers.CharField(source="result.owner_name", read_only=True)
    cycle = serializers.CharField(source="result.cycle.name", read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id", "result", "person", "cycle", "reason", "evidence", "status", "submitted_at",
            "deadline", "decided_at", "decision_note", "corrected_qualitative",
            "previous_final_score", "previous_grade", "version",
        ]  # fmt: skip
        read_only_fields = [
            "status", "submitted_at", "deadline", "decided_at", "decision_note",
            "corrected_qualitative", "previous_final_score", "previous_grade", "version",
        ]  # fmt: skip


class AppealDecideSerializer(serializers.Serializer[Any]):
    change = serializers.BooleanField()
    note = serializers.CharField()
    corrected_qualitative = serializers.DecimalField(**SCORE, required=False, allow_null=True)
    version = serializers.IntegerField()  # the version opened: a person's edit names it


class ImprovementActionSerializer(serializers.ModelSerializer[PlanAction]):
    owner = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.all())
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = PlanAction
        fields = ["id", "plan", "description", "owner", "owner_name", "due_on", "stage", "version"]
        read_only_fields = ["plan", "stage", "version"]


class ActionStageSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=ActionStage.choices)
    version = serializers.IntegerField()  # the version opened: a person's edit names it


class ImprovementPlanSerializer(serializers.ModelSerializer[ImprovementPlan]):
    employee = ScopedPrimaryKeyField(
        queryset=Employee.objects.all(), required=False, allow_null=True
    )
    interview = ScopedPrimaryKeyField(
        queryset=Interview.objects.all(), required=False, allow_null=True
    )
    appeal = ScopedPrimaryKeyField(queryset=Appeal.objects.all(), required=False, allow_null=True)
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    actions = ImprovementActionSerializer(many=True, read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id", "employee", "unit", "year", "title", "interview", "appeal", "status",
            "seeded_scorecard", "created_at", "actions", "version",
        ]  # fmt: skip
        read_only_fields = ["status", "seeded_scorecard", "created_at", "actions", "version"]
