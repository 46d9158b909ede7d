"""The form of a new draft scorecard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from org.models import OrgUnit
from spm.forms import BootstrapMixin


class ScorecardCreateForm(BootstrapMixin, forms.Form):
    """A new draft scorecard of a unit, or of an employee in it."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    employee = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
