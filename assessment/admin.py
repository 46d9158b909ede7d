"""Django admin of the assessment, with history on every model.

Results and their inputs of a finalised cycle are read-only here (no change, no delete),
and the models refuse such a save whatever the path; steps, scores and decisions go
through the services, so the admin shows them read-only always.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from assessment.models import (
    Adjustment,
    AssessmentCycle,
    AssessmentResult,
    AssessmentScheme,
    Exemption,
    KeyTaskGrade,
    MilestoneConfirmation,
    QualitativeRating,
    Veto,
)
from assessment.writes import RESULT_FIELDS


@admin.register(AssessmentScheme)
class SchemeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "version", "name", "current", "owner_unit"]
    list_filter = ["current"]
    readonly_fields = ["code", "version", "current", "created_by"]


@admin.register(AssessmentCycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "year", "period", "status"]
    list_filter = ["kind", "status", "year"]
    readonly_fields = ["status", "scheme_snapshot", "computed_at", "version", "created_by"]
    filter_horizontal = ["root_units"]


class FrozenAdmin(SimpleHistoryAdmin):
    """Read-only once the row's cycle is finalised."""

    def _final(self, obj: Any) -> bool:
        return obj is not None and obj.pk is not None and obj._cycle_final()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._final(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._final(obj) and super().has_delete_permission(request, obj)


@admin.register(AssessmentResult)
class ResultAdmin(FrozenAdmin):
    list_display = ["__str__", "final_score", "grade", "calibrated_grade", "vetoed"]
    list_filter = ["grade", "cycle"]
    list_select_related = ["cycle", "unit", "employee"]
    search_fields = ["employee__name", "unit__name"]
    raw_id_fields = ["scorecard", "unit", "employee", "cycle"]
    readonly_fields = [*RESULT_FIELDS, "calibrated_by", "computed_at", "version"]


class InputAdmin(FrozenAdmin):
    raw_id_fields = ["result"]
    list_select_related = ["result__cycle"]


@admin.register(KeyTaskGrade)
class KeyTaskGradeAdmin(InputAdmin):
    list_display = ["result", "item", "grade"]
    raw_id_fields = ["result", "item"]


@admin.register(MilestoneConfirmation)
class MilestoneConfirmationAdmin(InputAdmin):
    list_display = ["result", "milestone", "completed_on"]
    raw_id_fields = ["result", "milestone"]


@admin.register(QualitativeRating)
class QualitativeRatingAdmin(InputAdmin):
    list_display = ["result", "rating"]


class DecidedAdmin(InputAdmin):
    list_display = ["result", "status", "reason"]
    list_filter = ["status"]
    readonly_fields = ["status", "proposed_by", "decided_by", "decided_at", "version"]


@admin.register(Adjustment)
class AdjustmentAdmin(DecidedAdmin):
    list_display = ["result", "kind", "points", "status", "reason"]


@admin.register(Veto)
class VetoAdmin(DecidedAdmin):
    pass


@admin.register(Exemption)
class ExemptionAdmin(DecidedAdmin):
    raw_id_fields = ["result", "item"]
