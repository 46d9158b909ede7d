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
from spm.forms import BootstrapMixin, bootstrap
from spm.widgets import QuickSelect, QuickSelectMultiple


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
    # ~760 units at two levels for the group's HR: one-pass selects (spm.widgets)
    owner_unit = forms.ModelChoiceField(
        label=_("Run by"), queryset=OrgUnit.objects.none(), widget=QuickSelect
    )
    root_units = forms.ModelMultipleChoiceField(
        label=_("Scope"), queryset=OrgUnit.objects.none(), widget=QuickSelectMultiple
    )
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=AssessmentScheme.objects.none())
    self_assessment_due = forms.DateField(label=_("Self-assessment due"), required=False)
    review_due = forms.DateField(label=_("Review due"), required=False)
    calibration_due = forms.DateField(label=_("Calibration due"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.restrict(user).filter(depth__lte=2).order_by("path")
        owner, roots = self.fields["owner_unit"], self.fields["root_units"]
        owner.queryset = roots.queryset = units  # type: ignore[attr-defined]
        # What the selects list: ids and names (an org unit's str) in one query, no model per
        # option; what is posted is still checked against the querysets above.
        shown: list[tuple[Any, Any]] = list(units.values_list("pk", "name"))
        empty = owner.empty_label  # type: ignore[attr-defined]
        owner.widget.choices = shown if empty is None else [("", empty), *shown]
        roots.widget.choices = shown
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


class SchemeForm(BootstrapMixin, forms.Form):
    """HR's edit of a scheme: every number of DESIGN §3 the scheme holds, the grade table
    and the key-task points as one field per grade. Saving writes the next version."""

    name = forms.CharField(label=_("Name"), max_length=200)
    qualitative_weight = forms.DecimalField(
        label=_("Qualitative weight"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        help_text=_("Share of the qualitative part in the final score, 0-1 (0.2 = 20 %)."),
    )
    bonus_cap = forms.DecimalField(
        label=_("Bonus-point cap"),
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        help_text=_("The most bonus points one scorecard gets in a cycle."),
    )
    grace_days = forms.IntegerField(
        label=_("Milestone grace period (days)"), min_value=0, max_value=366
    )
    excellent_share = forms.DecimalField(
        label=_("Largest share of excellent"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=3,
        help_text=_("Forced distribution per calibration group, 0-1 (0.2 = 20 %)."),
    )
    # not required here: the service refuses an edit without it, with the rule's message
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grade, label in Grade.choices:
            if grade != Grade.UNQUALIFIED:
                self.fields[f"min_{grade}"] = forms.DecimalField(
                    label=_("Lowest final score for %(grade)s") % {"grade": label},
                    min_value=Decimal(0),
                    max_digits=6,
                    decimal_places=2,
                )
            self.fields[f"coefficient_{grade}"] = forms.DecimalField(
                label=_("Bonus coefficient of %(grade)s") % {"grade": label},
                min_value=Decimal(0),
                max_digits=5,
                decimal_places=2,
            )
        for grade, label in KeyTaskGradeChoice.choices:
            self.fields[f"points_{grade}"] = forms.DecimalField(
                label=_("Key-task points: %(grade)s") % {"grade": label},
                max_digits=5,
                decimal_places=2,
            )
        bootstrap(self)

    @staticmethod
    def initial_of(scheme: AssessmentScheme) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(scheme, name)
            for name in ("name", "qualitative_weight", "bonus_cap", "grace_days", "excellent_share")
        }
        initial["version"] = scheme.version
        for band in scheme.grade_table:
            initial[f"min_{band['grade']}"] = band["min_score"]
            initial[f"coefficient_{band['grade']}"] = band["coefficient"]
        for grade, points in scheme.key_task_points.items():
            initial[f"points_{grade}"] = points
        return initial

    def scheme_values(self) -> dict[str, Any]:
        """The cleaned values as the keyword arguments of ``scheme_revise``."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "name": data["name"],
            "qualitative_weight": data["qualitative_weight"],
            "bonus_cap": data["bonus_cap"],
            "grace_days": data["grace_days"],
            "excellent_share": data["excellent_share"],
            "grade_table": [
                {
                    "grade": grade,
                    "min_score": (
                        None if grade == Grade.UNQUALIFIED else str(data[f"min_{grade}"])
                    ),
                    "coefficient": str(data[f"coefficient_{grade}"]),
                }
                for grade in Grade.values
            ],
            "key_task_points": {
                grade: str(data[f"points_{grade}"]) for grade in KeyTaskGradeChoice.values
            },
        }
