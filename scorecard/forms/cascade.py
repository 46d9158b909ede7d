"""Forms of the cascade and bulk-assign pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from org.models import Employee, OrgUnit
from scorecard.services.cascade import Allocation, SplitMode
from spm.forms import BootstrapMixin, bootstrap


@dataclass(frozen=True)
class Receiver:
    """A row of the cascade form: a sub-unit or an employee that may receive the goal."""

    key: str
    label: str
    detail: str
    unit: OrgUnit | None = None
    employee: Employee | None = None


def receivers(units: list[OrgUnit], people: list[Employee]) -> list[Receiver]:
    rows = [Receiver(f"u{u.pk}", u.name, u.get_kind_display(), unit=u) for u in units]
    rows += [Receiver(f"e{e.pk}", e.name, e.job_title, employee=e) for e in people]
    return rows


class CascadeForm(BootstrapMixin, forms.Form):
    """Which receivers get the goal, with which share and weight, in which mode."""

    mode = forms.ChoiceField(label=_("How the target goes down"), widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, receivers: list[Receiver], modes: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.receivers = receivers
        self.fields["mode"].choices = [(m, SplitMode(m).label) for m in modes]  # type: ignore[attr-defined]
        self.fields["mode"].initial = modes[0]
        for r in receivers:
            self.fields[f"pick_{r.key}"] = forms.BooleanField(label=r.label, required=False)
            self.fields[f"share_{r.key}"] = forms.DecimalField(
                label=_("Share for %(name)s") % {"name": r.label},
                required=False,
                max_digits=18,
                decimal_places=4,
            )
            self.fields[f"weight_{r.key}"] = forms.DecimalField(
                label=_("Weight for %(name)s") % {"name": r.label},
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
            )
        bootstrap(self)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        # The table shows no label beside each input: name it for screen readers.
        for name, field in self.fields.items():
            if name.startswith(("share_", "weight_")):
                field.widget.attrs["aria-label"] = str(field.label)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "receiver": r,
                "pick": self[f"pick_{r.key}"],
                "share": self[f"share_{r.key}"],
                "weight": self[f"weight_{r.key}"],
            }
            for r in self.receivers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        picked = [r for r in self.receivers if data.get(f"pick_{r.key}")]
        if not picked:
            raise ValidationError(_("Choose at least one sub-unit or employee."))
        if data.get("mode") != SplitMode.SAME:
            for r in picked:
                if data.get(f"share_{r.key}") is None:
                    self.add_error(f"share_{r.key}", _("Give a share to each chosen receiver."))
        return data

    def allocations(self) -> list[Allocation]:
        data = self.cleaned_data
        return [
            Allocation(
                unit=r.unit,
                employee=r.employee,
                share=data.get(f"share_{r.key}"),
                weight=data.get(f"weight_{r.key}"),
            )
            for r in self.receivers
            if data.get(f"pick_{r.key}")
        ]


class BulkAssignForm(BootstrapMixin, forms.Form):
    """Everyone in a unit (and below) with a job title gets the goal."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    include_subunits = forms.BooleanField(
        label=_("Include the units below"), required=False, initial=True
    )
    job_title = forms.ChoiceField(label=_("Job title"), required=False)
    weight = forms.DecimalField(
        label=_("Weight on each scorecard"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_("Empty: the weight of the goal you assign."),
    )

    def __init__(self, *args: Any, units: Any, job_titles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        job_title = self.fields["job_title"]
        assert isinstance(job_title, forms.ChoiceField)
        job_title.choices = [("", _("All job titles"))] + [(t, t) for t in job_titles]
