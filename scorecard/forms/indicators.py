"""Forms of the indicator pages: an entry of the dictionary, and trying a formula out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from org.models import OrgUnit
from org.scoping import CHANGE, Actor, scope_of
from scorecard.models import Indicator, IndicatorQuerySet
from spm.forms import BootstrapMixin, bootstrap


def curated_units(user: Actor) -> QuerySet[OrgUnit]:
    """Units whose indicators ``user`` may write (HR, executive or admin subtrees)."""
    roles = IndicatorQuerySet.scope_rules[CHANGE]
    return OrgUnit.objects.filter(active=True).filter(scope_of(user).units_q(roles))


class IndicatorForm(BootstrapMixin, forms.ModelForm):
    """An entry of the dictionary, with its SMART checklist."""

    class Meta:
        model = Indicator
        fields = list(Indicator.EDITABLE_FIELDS)
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

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = curated_units(user)  # type: ignore[attr-defined]


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
