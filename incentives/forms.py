"""Forms of the incentives pages: the what-if terms and the base-bonus upload."""

from __future__ import annotations

import copy
from decimal import Decimal
from html import escape
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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
        # ~760 units within two levels for the group's HR: one-pass inputs (spm.widgets),
        # each field a copy of one built once (what ``Form`` does to its declared fields)
        proto = _decimal("", places=2, required=False, widget=QuickNumberInput)
        proto.hidden_widget = QuickHiddenInput
        for unit in units:
            self.fields[f"pool_{unit.pk}"] = _copy(proto, label=unit.name)
        bootstrap(self)

    def pool_inputs(self) -> SafeString:
        """The pool inputs, each in its column with its label and its errors: what the
        template wrote per bound field (``_pool_input``), in one pass for the fields
        without errors (~760 of them: ~30 ms of template work for the group's HR)."""
        errors = self.errors if self.is_bound else {}
        ids = str(self.auto_id) if "%s" in str(self.auto_id) else None
        parts = []
        for unit in self.units:
            name = f"pool_{unit.pk}"
            field = self.fields[name]
            odd = field.required or field.disabled or field.help_text
            if name in errors or odd or ids is None:
                parts.append(_pool_input(unit.name, self[name]))
                continue
            html_name = self.add_prefix(name)
            ident = ids % html_name
            value = self.get_initial_for_field(field, name)
            if self.is_bound:
                typed = field.widget.value_from_datadict(self.data, self.files, html_name)
                value = field.bound_data(typed, value)
            widget = field.widget.render(html_name, field.prepare_value(value), {"id": ident})
            parts.append(
                f'<div class="col-md-4"><label class="form-label" for="{escape(ident)}">'
                f"{escape(unit.name)}</label>{widget}</div>"
            )
        return mark_safe("".join(parts))  # noqa: S308 - names, ids and labels escaped above

    @property
    def coefficient_fields(self) -> list[Any]:
        return [self[g] for g in GRADES]

    @property
    def cap_fields(self) -> list[Any]:
        """The individual caps (the form holds ~760 other fields: not a walk of them all)."""
        return [self["cap_ratio"], self["cap_amount"]]

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


def _copy(field: forms.Field, *, label: str) -> forms.Field:
    """A copy of ``field`` as ``Form`` copies its declared fields (own widget, attributes,
    validators and messages), labelled ``label``."""
    copied = copy.copy(field)
    copied.label = label
    copied.widget = copy.copy(field.widget)
    copied.widget.attrs = dict(field.widget.attrs)
    copied.validators = field.validators[:]
    copied.error_messages = dict(field.error_messages)
    return copied


def _pool_input(label: str, field: BoundField) -> str:
    """One pool input as the template writes a field: label, input, errors below."""
    errors = ""
    if field.errors:
        errors = format_html(
            '<div class="invalid-feedback d-block" id="{}-errors">{}</div>',
            field.auto_id,
            " ".join(str(e) for e in field.errors),
        )
    return format_html(
        '<div class="col-md-4"><label class="form-label" for="{}">{}</label>{}{}</div>',
        field.id_for_label,
        label,
        field,
        errors,
    )


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
