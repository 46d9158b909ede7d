"""Forms of the assessment pages; the services do the checking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import (
    AdjustmentKind,
    AssessmentScheme,
    CycleKind,
    Grade,
    KeyTaskGradeChoice,
)
from org.models import OrgUnit
from spm.forms import BootstrapMixin


class CycleForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.IntegerField(
        label=_("Period"),
        min_value=1,
        max_value=12,
        initial=1,
        help_text=_("Month 1-12, half year 1-2, or 1 for the year."),
    )
    owner_unit = forms.ModelChoiceField(label=_("Run by"), queryset=OrgUnit.objects.none())
    root_units = forms.ModelMultipleChoiceField(label=_("Scope"), queryset=OrgUnit.objects.none())
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=AssessmentScheme.objects.none())
    self_assessment_due = forms.DateField(label=_("Self-assessment due"), required=False)
    review_due = forms.DateField(label=_("Review due"), required=False)
    calibration_due = forms.DateField(label=_("Calibration due"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.restrict(user).filter(depth__lte=2).order_by("path")
        self.fields["owner_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["root_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["scheme"].queryset = AssessmentScheme.objects.restrict(user).filter(  # type: ignore[attr-defined]
            current=True
        )


class KeyTaskGradeForm(BootstrapMixin, forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=_("Grade"), choices=KeyTaskGradeChoice.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    evidence = forms.FileField(label=_("Evidence"), required=False)


class RatingForm(BootstrapMixin, forms.Form):
    rating = forms.DecimalField(
        label=_("Qualitative rating (0-100)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class AdjustmentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
    points = forms.DecimalField(label=_("Points"), min_value=Decimal("0.01"), decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    evidence = forms.FileField(label=_("Evidence"), required=False)


class VetoForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Red-line event"), widget=forms.Textarea)
    evidence = forms.FileField(label=_("Evidence"), required=False)


class ExemptionForm(BootstrapMixin, forms.Form):
    item = forms.TypedChoiceField(label=_("Item"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)
    evidence = forms.FileField(label=_("Evidence"), required=False)


class DecideForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        coerce=lambda v: v == "1", choices=[("1", _("Approve")), ("0", _("Reject"))]
    )
    note = forms.CharField(label=_("Note"), required=False)


class SelfAssessmentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Your self-assessment"), widget=forms.Textarea)


class CalibrateForm(BootstrapMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    reason = forms.CharField(label=_("Reason"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
