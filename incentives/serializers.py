"""Serializers of the incentives API (explicit field lists)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from incentives.models import UNIT_FACTOR_FIELDS, BonusScheme, Payout, UnitPool
from incentives.rules import GRADES
from org.models import OrgUnit
from spm.api import RejectUnknownFieldsMixin, ScopedPrimaryKeyField
from spm.models import Job


class PayoutSerializer(serializers.ModelSerializer[Payout]):
    class Meta:
        model = Payout
        fields = [
            "id",
            "cycle",
            "result",
            "employee",
            "unit",
            "scheme",
            "pool_unit",
            "grade",
            "base",
            "coefficient",
            "amount",
            "explanation",
        ]
        read_only_fields = fields


class PoolSerializer(serializers.ModelSerializer[UnitPool]):
    unit = ScopedPrimaryKeyField(queryset=OrgUnit.objects.all())

    class Meta:
        model = UnitPool
        fields = ["unit", "amount"]


TERMS = [*GRADES, "cap_ratio", "cap_amount", "unit_factor", *UNIT_FACTOR_FIELDS.values()]


class SchemeSerializer(serializers.ModelSerializer[BonusScheme]):
    pools = PoolSerializer(many=True, read_only=True)

    class Meta:
        model = BonusScheme
        fields = ["id", "name", "version", *TERMS, "pools"]
        read_only_fields = fields


def _terms_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    fields: dict[str, serializers.Field[Any, Any, Any, Any]] = {}
    for name in TERMS:
        model_field: Any = BonusScheme._meta.get_field(name)
        if name == "unit_factor":
            fields[name] = serializers.BooleanField(required=False)
        else:
            fields[name] = serializers.DecimalField(
                max_digits=model_field.max_digits,
                decimal_places=model_field.decimal_places,
                min_value=0,
                required=False,
                allow_null=model_field.null,
            )
    return fields


class TermsSerializer(RejectUnknownFieldsMixin, serializers.Serializer[Any]):
    """Proposed terms: any term left out keeps the scheme's value; ``pools`` (if given)
    replaces the pools of the units in the caller's scope."""

    pools = PoolSerializer(many=True, required=False)

    def get_fields(self) -> dict[str, Any]:
        return {**_terms_fields(), **super().get_fields()}


class WhatIfSerializer(TermsSerializer):
    cycle = serializers.IntegerField()
    limit = serializers.IntegerField(min_value=0, max_value=5000, default=100)


class ReviseSerializer(TermsSerializer):
    version = serializers.IntegerField(min_value=0)


class BucketSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    name = serializers.CharField(source="label")
    count = serializers.IntegerField()
    current = serializers.DecimalField(max_digits=18, decimal_places=2)
    proposed = serializers.DecimalField(max_digits=18, decimal_places=2)
    delta = serializers.DecimalField(max_digits=18, decimal_places=2)


class ChangeSerializer(serializers.Serializer[Any]):
    key = serializers.IntegerField(help_text="assessment result id")
    name = serializers.CharField()
    unit = serializers.CharField()
    grade = serializers.CharField()
    base = serializers.DecimalField(max_digits=14, decimal_places=2)
    current = serializers.DecimalField(max_digits=14, decimal_places=2)
    proposed = serializers.DecimalField(max_digits=14, decimal_places=2)
    delta = serializers.DecimalField(max_digits=14, decimal_places=2)


class ComparisonSerializer(serializers.Serializer[Any]):
    current = serializers.DecimalField(max_digits=18, decimal_places=2)
    proposed = serializers.DecimalField(max_digits=18, decimal_places=2)
    delta = serializers.DecimalField(max_digits=18, decimal_places=2)
    graded = serializers.BooleanField()
    by_grade = BucketSerializer(many=True)
    by_unit = BucketSerializer(many=True)
    changes = ChangeSerializer(many=True)
    changed = serializers.IntegerField(help_text="how many people's bonus changes")


class WhatIfJobSerializer(serializers.Serializer[Any]):
    """A what-if job: where it stands and, once done, the comparison."""

    job = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    error = serializers.CharField()
    url = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    def get_url(self, job: Job) -> str:
        return reverse("what-if-job-detail", args=[job.pk])

    @extend_schema_field(ComparisonSerializer(allow_null=True))
    def get_result(self, job: Job) -> dict[str, Any] | None:
        from incentives.whatif_jobs import result_of

        summary = result_of(job)
        return None if summary is None else dict(ComparisonSerializer(summary).data)


class PoolReportSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(source="unit.pk")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    factor = serializers.DecimalField(max_digits=6, decimal_places=3)
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    left = serializers.DecimalField(max_digits=18, decimal_places=2)


class GradeRowSerializer(serializers.Serializer[Any]):
    grade = serializers.CharField()
    n = serializers.IntegerField()
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)


class UnitRowsSerializer(serializers.ListSerializer[Any]):
    """The by-unit rows (~3,300 for the group) in one pass: DRF's field by field walk costs
    ~18 µs a row. The same values as ``UnitRowSerializer``'s fields write: the sums through
    their own ``DecimalField``, so the digits and the string form stay DRF's."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        fields = self.child.fields  # type: ignore[union-attr]
        paid, budget = fields["paid"].to_representation, fields["budget"].to_representation
        return [
            {
                "unit": int(row["unit_id"]),
                "name": str(row["unit__name"]),
                "n": int(row["n"]),
                "paid": None if row["paid"] is None else paid(row["paid"]),
                "budget": None if row["budget"] is None else budget(row["budget"]),
                "pooled": int(row["pooled"]),
            }
            for row in data
        ]


class UnitRowSerializer(serializers.Serializer[Any]):
    class Meta:
        list_serializer_class = UnitRowsSerializer

    unit = serializers.IntegerField(source="unit_id")
    name = serializers.CharField(source="unit__name")
    n = serializers.IntegerField()
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    budget = serializers.DecimalField(max_digits=18, decimal_places=2)
    pooled = serializers.IntegerField()


@extend_schema_serializer(many=False)  # the summary is one object, though a "list" action
class ReportSerializer(serializers.Serializer[Any]):
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    budget = serializers.DecimalField(max_digits=18, decimal_places=2)
    difference = serializers.DecimalField(max_digits=18, decimal_places=2)
    people = serializers.IntegerField()
    scheme = serializers.IntegerField(source="scheme.pk", allow_null=True)
    by_grade = GradeRowSerializer(many=True)
    pools = PoolReportSerializer(many=True)
    units = serializers.SerializerMethodField(
        help_text="the link to the report by unit, paged (payout-summary/units/)"
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_units(self, report: Any) -> str:
        return str(self.context["units"])
