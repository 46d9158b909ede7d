"""Forms of the item pages: an item's goal, its monthly plan, its milestones. They parse
input and offer in-scope choices; the services decide and validate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import OrgUnit
from org.scoping import Actor
from scorecard.models import (
    TIER_FIELDS,
    Indicator,
    ItemKind,
    Milestone,
    Polarity,
    Scorecard,
    ScorecardItem,
)
from spm.forms import BootstrapMixin, bootstrap
from strategy.models import Objective

MONTH_FIELDS = [f"m{m}" for m in range(1, 13)]


class ItemForm(BootstrapMixin, forms.ModelForm):
    """An item's goal. ``version`` carries the version the editor opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ScorecardItem
        fields = list(ScorecardItem.EDITABLE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self, *args: Any, user: Actor, scorecard: Scorecard, kind: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.instance.kind = kind
        self.instance.scorecard = scorecard
        objectives = Objective.objects.restrict(user).select_related("perspective")
        self.fields["objective"].queryset = (  # type: ignore[attr-defined]
            objectives.filter(plan=scorecard.plan).order_by("perspective__order", "code")
            if scorecard.plan_id
            else objectives.none()
        )
        self.fields["indicator"].queryset = Indicator.objects.restrict(user).filter(active=True)  # type: ignore[attr-defined]
        self.fields["order"].required = False
        if kind != ItemKind.QUANTITATIVE:
            for name in ScorecardItem.QUANTITATIVE_FIELDS:
                del self.fields[name]
        if kind == ItemKind.KEY_TASK:
            del self.fields["weight"]
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    @property
    def tier_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ScorecardItem.GOAL_FIELDS if name in self.fields]

    def goal(self) -> dict[str, Any]:
        """The cleaned values a service takes (without ``version``)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if data.get("order") is None:
            data.pop("order", None)
        if self.kind == ItemKind.KEY_TASK:
            data["weight"] = Decimal(0)
        if data.get("polarity") == Polarity.RANGE:
            # A range is scored by its bounds (and the target inside): no climbing tiers.
            for name in set(TIER_FIELDS) - {"target", "range_low", "range_high"}:
                data[name] = None
        return data


class MonthlyPlanForm(BootstrapMixin, forms.Form):
    """The plan value of each month (empty: no plan for that month)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            self.fields[f"m{month}"] = forms.DecimalField(
                label=_("Month %(month)d") % {"month": month},
                required=False,
                max_digits=18,
                decimal_places=4,
            )
        bootstrap(self)

    def values(self) -> dict[int, Decimal | None]:
        return {m: self.cleaned_data.get(f"m{m}") for m in range(1, 13)}

    @property
    def month_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MONTH_FIELDS]


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = list(Milestone.EDITABLE_FIELDS)
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "completion_standard": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Actor, item: ScorecardItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.item = item
        units = OrgUnit.objects.restrict(user).filter(active=True).order_by("path")
        self.fields["responsible_unit"].queryset = units  # type: ignore[attr-defined]
        # A hand-over crosses units: the counterpart may be any active unit of the group.
        self.fields["counterpart_unit"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            active=True
        ).order_by("path")
        self.fields["order"].required = False
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("responsible_unit", item.scorecard.unit_id)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["order"] = data.get("order") or 0
        return data


class MilestoneCompleteForm(BootstrapMixin, forms.Form):
    completed_on = forms.DateField(
        label=_("Reached on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to reopen the milestone."),
    )
