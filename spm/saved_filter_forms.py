"""The form of a list's "save this filter" bar, shown again on its own page when refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spm.forms import BootstrapMixin
from spm.saved_filters import MAX_QUERY


class SavedFilterForm(BootstrapMixin, forms.Form):
    list_name = forms.CharField(widget=forms.HiddenInput, max_length=40)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_QUERY)
    name = forms.CharField(label=_("Name of this filter"), max_length=60)
    is_default = forms.BooleanField(label=_("Use as default"), required=False)
