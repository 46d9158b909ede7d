"""Forms of the letter pages, and the reason a reviewer gives (amendment, rejection)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spm.forms import BootstrapMixin


class ReasonForm(BootstrapMixin, forms.Form):
    """A reason: for an amendment, a new letter version or a rejected value."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class IssueForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Needed when a signed version exists."),
    )


class AmendForm(ReasonForm):
    """The reason for an amendment: kept in the scorecard's history (100 characters there)
    and offered again as the reason of the next letter version, so it is typed once."""

    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=100,
    )
