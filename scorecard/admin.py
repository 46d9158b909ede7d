"""Django admin of the scorecard app, with history (django-simple-history) on every model.

A signed scorecard is locked whatever the path. The models refuse the save
(``LockedByScorecard``); here the admin says so on the form — a clear error instead of a
500 — and refuses deleting a locked row with a message. Letters, actuals and closed periods
are read-only: they change through their services (signatures, compare-and-set on versions,
closed months), which the admin would bypass.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from scorecard.models import (
    ClosedPeriod,
    Indicator,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    ResponsibilityLetter,
    Scorecard,
    ScorecardItem,
    ScorecardStatus,
)

LOCKED = gettext_lazy("This scorecard is signed and locked; amend it instead.")


def _locked(obj: Any) -> bool:
    """Whether ``obj`` belongs to a signed scorecard (a scorecard: whether it is signed)."""
    if obj is None or obj.pk is None:
        return False
    if isinstance(obj, Scorecard):
        return Scorecard.objects.filter(pk=obj.pk, status=ScorecardStatus.SIGNED).exists()
    return bool(obj._scorecard_locked())


class LockedAdmin(SimpleHistoryAdmin):
    """Shows a locked scorecard's refusal on the form and on delete, never as a 500."""

    #: fields a locked row may still change (progress, not goals)
    tracking_fields: frozenset[str] = frozenset()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        tracking = self.tracking_fields
        was_locked = _locked(obj)

        class LockedForm(base):  # type: ignore[misc, valid-type]
            def _post_clean(self) -> None:
                super()._post_clean()
                # Refused if it was locked (an edit, or a move away) or would land on a
                # locked scorecard (an add, or a move onto one).
                now_locked = _locked_target(self.instance)
                if (was_locked or now_locked) and not set(self.changed_data) <= tracking:
                    self.add_error(None, forms.ValidationError(LOCKED, code="locked"))

        return LockedForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Saved (or a history version restored) with nothing changed: nothing to write —
        # and the model would refuse the save of a locked row (a 500 before).
        if change and not form.changed_data and _locked(obj):
            return
        super().save_model(request, obj, form, change)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if _locked(obj):
            self.message_user(request, LOCKED, messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        locked = [obj for obj in queryset if _locked(obj)]
        if locked:
            self.message_user(
                request,
                _("Nothing was deleted: %(n)s of the rows belong to a signed scorecard.")
                % {"n": len(locked)},
                messages.ERROR,
            )
            return
        super().delete_queryset(request, queryset)


def _locked_target(instance: Any) -> bool:
    """Whether the scorecard the edited row now points at is signed."""
    if isinstance(instance, Scorecard):
        return False
    if not any(getattr(instance, a, None) for a in ("scorecard_id", "item_id")):
        return False
    return bool(instance._scorecard_locked())


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit_of_measure", "polarity", "owner_unit", "active"]
    list_filter = ["polarity", "frequency", "aggregation", "active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["owner_unit"]
    list_select_related = ["owner_unit"]


@admin.register(Scorecard)
class ScorecardAdmin(LockedAdmin):
    list_display = ["__str__", "unit", "employee", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["unit__name", "employee__name"]
    raw_id_fields = ["unit", "employee", "plan"]
    list_select_related = ["unit", "employee"]
    # Signing and amending are services with two signatures; never a drop-down.
    readonly_fields = ["status", "created_at"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    raw_id_fields = ["responsible_unit", "counterpart_unit"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_delete_permission(request, obj)


@admin.register(ScorecardItem)
class ScorecardItemAdmin(LockedAdmin):
    list_display = ["name", "scorecard", "kind", "weight", "target", "order"]
    list_filter = ["kind", "polarity", "scorecard__year"]
    search_fields = ["name", "scorecard__unit__name", "scorecard__employee__name"]
    raw_id_fields = ["scorecard", "objective", "indicator", "parent"]
    list_select_related = ["scorecard__unit", "scorecard__employee"]
    inlines = [MilestoneInline]


@admin.register(ItemMonthlyPlan)
class ItemMonthlyPlanAdmin(LockedAdmin):
    list_display = ["item", "month", "value"]
    raw_id_fields = ["item"]
    list_select_related = ["item"]


@admin.register(Milestone)
class MilestoneAdmin(LockedAdmin):
    list_display = ["name", "item", "due_date", "completed_on", "responsible_unit"]
    list_filter = ["due_date"]
    search_fields = ["name", "item__name"]
    raw_id_fields = ["item", "responsible_unit", "counterpart_unit"]
    list_select_related = ["item", "responsible_unit"]
    tracking_fields = frozenset({"completed_on"})


class ReadOnlyMixin:
    """Visible for support, changed only through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "status",
        "signer",
        "issuer",
        "signed_by_head_at",
        "countersigned_at",
    ]
    list_filter = ["status", "scorecard__year"]
    search_fields = ["scorecard__unit__name", "scorecard__employee__name"]
    list_select_related = ["scorecard__unit", "scorecard__employee", "signer", "issuer"]


@admin.register(MonthlyActual)
class MonthlyActualAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["item", "month", "value", "status", "entered_by", "entered_at", "version"]
    list_filter = ["status", "month", "item__scorecard__year"]
    search_fields = ["item__name"]
    list_select_related = ["item", "entered_by"]


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "closed_by", "closed_at"]
    list_filter = ["year"]
