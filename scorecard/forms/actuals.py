"""Forms of the actuals pages: one month's value, an import file, closing a month. They
only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from scorecard.services.actuals import EVIDENCE_EXTENSIONS, MAX_EVIDENCE_BYTES
from scorecard.services.actuals_encoding import ENCODINGS
from spm.forms import BootstrapMixin


class ActualForm(BootstrapMixin, forms.Form):
    """One month's actual of one item. ``version`` is what the editor loaded (0: none)."""

    value = forms.DecimalField(
        label=_("Actual value"), max_digits=18, decimal_places=4, localize=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        validators=[FileExtensionValidator(list(EVIDENCE_EXTENSIONS))],
        help_text=_("PDF, image, Office or text file, up to 10 MB."),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean_evidence(self) -> Any:
        evidence = self.cleaned_data.get("evidence")
        if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        return evidence


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        validators=[FileExtensionValidator(["csv", "xlsx", "txt"])],
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding of a CSV file"),
        choices=[("", _("Recognise it")), *ENCODINGS.items()],
        required=False,
    )


class PeriodForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    month = forms.IntegerField(min_value=1, max_value=12, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("close", _("Close")), ("reopen", _("Reopen"))], widget=forms.HiddenInput
    )
