"""Forms of the incentives pages: the what-if terms and the base-bonus upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from incentives.models import UNIT_FACTOR_FIELDS, BonusScheme, UnitPool
from incentives.rules import GRADES
from incentives.services import TERM_FIELDS
from org.models import OrgUnit
from spm.forms import BootstrapMixin, bootstrap
from spm.widgets import QuickHiddenInput, QuickNumberInput

GRADE_LABELS = {
    "excellent": _("Excellent"),
    "good": _("Good"),
    "qualified": _("Qualified"),
    "basic": _("Basic"),
    "unqualified": _("Unqualified"),
}


def _decimal(
    label: Any, *, places: int, required: bool = True, widget: Any = None
) -> forms.DecimalField:
    return forms.DecimalField(
        widget=widget,
        label=label,
        min_value=Decimal(0),
        max_digits=6 if places == 3 else 14,
        decimal_places=places,
        required=required,
    )


class WhatIfForm(BootstrapMixin, forms.Form):
    """Coefficients, caps, the unit-grade factor and a pool field per candidate unit,
    filled in with the current scheme's terms."""

    def __init__(
        self, *args: Any, scheme: BonusScheme, units: list[OrgUnit], **kwargs: Any
    ) -> None:
        pools = dict(UnitPool.objects.filter(scheme_id=scheme.pk).values_list("unit_id", "amount"))
        initial = {name: getattr(scheme, name) for name in TERM_FIELDS}
        initial.update({f"pool_{u.pk}": pools.get(u.pk) for u in units})
        kwargs.setdefault("initial", initial)
        self.units = units
        self.scheme = scheme
        super().__init__(*args, **kwargs)
        for unit in units:
            # ~760 units within two levels for the group's HR: one-pass inputs (spm.widgets)
            pool = _decimal(unit.name, places=2, required=False, widget=QuickNumberInput)
            pool.hidden_widget = QuickHiddenInput
            self.fields[f"pool_{unit.pk}"] = pool
        bootstrap(self)

    @property
    def pool_fields(self) -> list[tuple[OrgUnit, Any]]:
        return [(u, self[f"pool_{u.pk}"]) for u in self.units]

    @property
    def coefficient_fields(self) -> list[Any]:
        return [self[g] for g in GRADES]

    @property
    def unit_factor_fields(self) -> list[Any]:
        return [self[name] for name in UNIT_FACTOR_FIELDS.values()]

    def terms(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TERM_FIELDS}

    def pools(self) -> dict[int, Decimal]:
        return {
            u.pk: self.cleaned_data[f"pool_{u.pk}"]
            for u in self.units
            if self.cleaned_data.get(f"pool_{u.pk}") is not None
        }


def _fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {g: _decimal(GRADE_LABELS[g], places=3) for g in GRADES}
    fields["cap_ratio"] = _decimal(_("Cap (times the base bonus)"), places=3, required=False)
    fields["cap_amount"] = _decimal(_("Cap (amount)"), places=2, required=False)
    fields["unit_factor"] = forms.BooleanField(
        label=_("Apply the unit-grade factor to pools"), required=False
    )
    for grade, name in UNIT_FACTOR_FIELDS.items():
        fields[name] = _decimal(GRADE_LABELS[grade], places=3)
    return fields


WhatIfForm.base_fields.update(_fields())


class BaseBonusImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
