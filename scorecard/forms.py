"""Forms of the indicator, scorecard, item and milestone pages. They parse input and
offer in-scope choices; the services decide and validate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from org.models import OrgUnit
from org.scoping import CHANGE, scope_of
from scorecard.models import (
    Indicator,
    IndicatorQuerySet,
    ItemKind,
    Milestone,
    Polarity,
    Scorecard,
    ScorecardItem,
)
from strategy.models import Objective

TIER_NAMES = (
    "floor",
    "baseline",
    "target",
    "challenge",
    "range_low",
    "range_high",
    "last_year",
    "benchmark",
)
MONTH_FIELDS = [f"m{m}" for m in range(1, 13)]


def bootstrap(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, and ``aria-invalid`` on the fields in error."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        # Only after validation ran: asking for ``errors`` here would validate too early.
        if form._errors and name in form._errors and "is-invalid" not in widget.attrs["class"]:
            widget.attrs["class"] += " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}-errors"


class BootstrapMixin:
    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        bootstrap(self)  # type: ignore[arg-type]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)  # type: ignore[arg-type]


def curated_units(user: Any) -> QuerySet[OrgUnit]:
    """Units whose indicators ``user`` may write (HR, executive or admin subtrees)."""
    scope = scope_of(user)
    units = OrgUnit.objects.filter(active=True)
    if scope.superuser:
        return units
    q = Q(pk__in=[])
    for path in scope.paths(IndicatorQuerySet.scope_rules[CHANGE]):
        q |= Q(path__startswith=path)
    return units.filter(q)


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    """An entry of the dictionary, with its SMART checklist."""

    class Meta:
        model = Indicator
        fields = [
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
            "active",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "formula": forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        }
        help_texts = {
            "formula": _(
                "Text, or an expression over other indicators' codes, e.g. "
                "TOTAL_PROFIT / AVG_EQUITY * 100 (codes with other characters in [brackets])."
            ),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = curated_units(user)  # type: ignore[attr-defined]


class ScorecardCreateForm(BootstrapMixin, forms.Form):
    """A new draft scorecard of a unit, or of an employee in it."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    employee = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ItemForm(BootstrapMixin, forms.ModelForm):
    """An item's goal. ``version`` carries the version the editor opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ScorecardItem
        fields = [
            "name",
            "description",
            "objective",
            "indicator",
            "weight",
            "polarity",
            "aggregation",
            "unit_of_measure",
            *TIER_NAMES,
            "order",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(
        self, *args: Any, user: Any, scorecard: Scorecard, kind: str, **kwargs: Any
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
            for name in (*TIER_NAMES, "indicator", "polarity", "aggregation", "unit_of_measure"):
                del self.fields[name]
        if kind == ItemKind.KEY_TASK:
            del self.fields["weight"]
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    @property
    def tier_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in TIER_NAMES if name in self.fields]

    def goal(self) -> dict[str, Any]:
        """The cleaned values a service takes (without ``version``)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if data.get("order") is None:
            data.pop("order", None)
        if self.kind == ItemKind.KEY_TASK:
            data["weight"] = Decimal(0)
        if data.get("polarity") == Polarity.RANGE:
            for name in ("floor", "baseline", "challenge"):
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
        fields = [
            "name",
            "due_date",
            "completion_standard",
            "weight",
            "responsible_unit",
            "counterpart_unit",
            "order",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "completion_standard": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, item: ScorecardItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.item = item
        units = OrgUnit.objects.restrict(user).filter(active=True).order_by("path")
        self.fields["responsible_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["counterpart_unit"].queryset = units  # type: ignore[attr-defined]
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


class EvaluateForm(BootstrapMixin, forms.Form):
    """Values for the codes a formula uses, to try it out."""

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[f"v_{code}"] = forms.DecimalField(
                label=code, max_digits=28, decimal_places=8
            )
        bootstrap(self)

    def values(self) -> dict[str, Decimal]:
        return {name[2:]: value for name, value in self.cleaned_data.items()}
