"""Forms of the HR pages that run the organisation: units, people and their roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from org.models import Employee, OrgUnit, RoleAssignment
from org.rules import GRANTABLE
from spm.forms import BootstrapMixin


class UnitChoiceField(forms.ModelChoiceField):
    """Units listed as an indented tree, so a parent is picked by where it sits."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * obj.depth}{obj.name} ({obj.code})"


class VersionField(forms.IntegerField):
    """The version of the unit or person the editor opened (``org.versions``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, min_value=1, required=False, **kwargs)


class UnitForm(BootstrapMixin, forms.ModelForm):
    """Create a unit, or rename and move one: ``parents`` are the units it may hang under."""

    parent = UnitChoiceField(label=_("Parent unit"), queryset=OrgUnit.objects.none())
    version = VersionField()

    class Meta:
        model = OrgUnit
        fields = ["parent", "name", "code", "kind", "sort_order"]

    def __init__(self, *args: Any, parents: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, UnitChoiceField)
        parent.queryset = parents.only("id", "name", "code", "depth", "path")
        self.fields["sort_order"].required = False
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class EmployeeCreateForm(BootstrapMixin, forms.Form):
    """A new person: their login and first password, and where they work."""

    name = forms.CharField(label=_("Name"), max_length=120)
    employee_no = forms.CharField(label=_("Employee number"), max_length=40)
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to them in person; they can change it after signing in."),
    )
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    job_title = forms.CharField(label=_("Job title"), max_length=120)
    line_manager = forms.ModelChoiceField(
        label=_("Line manager"), queryset=Employee.objects.none(), required=False
    )
    base_bonus = forms.DecimalField(
        label=_("Base bonus"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        managers: QuerySet[Employee],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.only(  # type: ignore[attr-defined]
            "id", "name", "code", "depth", "path"
        )
        self.fields["line_manager"].queryset = managers.only(  # type: ignore[attr-defined]
            "id", "name", "employee_no"
        )

    def clean_employee_no(self) -> str:
        number: str = self.cleaned_data["employee_no"].strip()
        if Employee.objects.filter(employee_no=number).exists():
            raise forms.ValidationError(_("Another person already has this employee number."))
        return number


class DeactivateForm(BootstrapMixin, forms.Form):
    version = VersionField()
    reason = forms.CharField(
        label=_("Reason"),
        max_length=100,
        help_text=_("Kept in the audit trail, e.g. “left the company on 30 November”."),
    )


class RoleGrantForm(BootstrapMixin, forms.Form):
    """Grant a person a role over a unit and everything under it."""

    role = forms.ChoiceField(label=_("Role"))
    unit = UnitChoiceField(
        label=_("Over unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The role applies to this unit and everything under it."),
    )
    make_head = forms.BooleanField(
        label=_("Also make them the head of this unit (managers only)"), required=False
    )
    version = VersionField()

    def __init__(
        self, *args: Any, units: QuerySet[OrgUnit], roles: frozenset[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(RoleAssignment.Role.choices)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (role, labels[role]) for role in GRANTABLE if role in roles
        ]
        self.fields["unit"].queryset = units.only(  # type: ignore[attr-defined]
            "id", "name", "code", "depth", "path"
        )
