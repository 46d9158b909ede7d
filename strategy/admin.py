"""Django admin for the strategy, for administrators; executives edit in the app itself."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    StrategicPlan,
    Strategy,
    Theme,
)


@admin.register(StrategicPlan)
class StrategicPlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "start_year", "end_year", "version", "status", "owner_unit"]
    list_filter = ["status"]
    search_fields = ["name"]
    raw_id_fields = ["owner_unit", "previous", "approved_by"]
    list_select_related = ["owner_unit"]


@admin.register(Perspective)
class PerspectiveAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "order", "plan"]
    raw_id_fields = ["plan"]
    list_select_related = ["plan"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "order", "plan"]
    raw_id_fields = ["plan"]
    list_select_related = ["plan"]


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "unit", "function", "plan"]
    list_filter = ["level"]
    search_fields = ["name", "function"]
    raw_id_fields = ["plan", "unit"]
    list_select_related = ["plan", "unit"]


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "perspective", "owner_unit", "plan"]
    search_fields = ["code", "name"]
    raw_id_fields = ["plan", "perspective", "theme", "owner_unit", "parent"]
    list_select_related = ["plan", "perspective", "owner_unit"]


@admin.register(CauseEffectLink)
class CauseEffectLinkAdmin(SimpleHistoryAdmin):
    list_display = ["cause", "effect", "plan", "note"]
    raw_id_fields = ["plan", "cause", "effect"]
    list_select_related = ["plan", "cause", "effect"]
