"""Forms for editing the strategy in the browser. They validate input; services save it.

Choice lists only offer what the user may see and what belongs to the plan, so a form
cannot be used to probe other plans or units.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from org.models import OrgUnit
from spm.forms import BootstrapMixin
from strategy import selectors
from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    StrategicPlan,
    Strategy,
    Theme,
)


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so the tree shows in a plain select."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'· ' * obj.depth}{obj.name}"


class ObjectiveChoiceField(forms.ModelChoiceField):
    """Objectives with their code and perspective, as an executive recognises them."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name} ({obj.perspective.name})"


class PlanForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = StrategicPlan
        fields = list(StrategicPlan.EDITABLE_FIELDS)


class PlanCreateForm(PlanForm):
    owner_unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("Owner unit"))

    class Meta(PlanForm.Meta):
        fields = ["owner_unit", *PlanForm.Meta.fields]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.plan_owner_units(user).order_by("path")


class PlanContentForm(BootstrapMixin, forms.ModelForm):
    """A form for something inside a plan. Every one takes the user and the plan, and its
    choice lists (``choices``) offer only what the user may see in that plan."""

    def __init__(self, *args: Any, user: Any, plan: StrategicPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        for name, queryset in self.choices(user, plan).items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def choices(self, user: Any, plan: StrategicPlan) -> dict[str, QuerySet[Any]]:
        return {}


class PerspectiveForm(PlanContentForm):
    class Meta:
        model = Perspective
        fields = list(Perspective.EDITABLE_FIELDS)
        help_texts = {"code": _("A short identifier; left empty, it is made from the name.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False


class ThemeForm(PlanContentForm):
    class Meta:
        model = Theme
        fields = [name for name in Theme.EDITABLE_FIELDS if name != "order"]  # set by the list


class StrategyForm(PlanContentForm):
    unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("Unit"))

    class Meta:
        model = Strategy
        fields = list(Strategy.EDITABLE_FIELDS)

    def choices(self, user: Any, plan: StrategicPlan) -> dict[str, QuerySet[Any]]:
        return {"unit": selectors.plan_units(user, plan)}


class ObjectiveForm(PlanContentForm):
    owner_unit = UnitChoiceField(queryset=OrgUnit.objects.none(), label=_("Owner unit"))

    class Meta:
        model = Objective
        fields = list(Objective.EDITABLE_FIELDS)

    def choices(self, user: Any, plan: StrategicPlan) -> dict[str, QuerySet[Any]]:
        return {
            "perspective": Perspective.objects.restrict(user).filter(plan=plan).order_by("order"),
            "theme": Theme.objects.restrict(user).filter(plan=plan).order_by("order", "name"),
            "owner_unit": selectors.plan_units(user, plan),
            "parent": Objective.objects.restrict(user)
            .filter(plan=plan)
            .exclude(pk=self.instance.pk)
            .order_by("code"),
        }


class LinkForm(PlanContentForm):
    cause = ObjectiveChoiceField(queryset=Objective.objects.none(), label=_("Cause (drives…)"))
    effect = ObjectiveChoiceField(
        queryset=Objective.objects.none(), label=_("Effect (…this objective)")
    )

    class Meta:
        model = CauseEffectLink
        fields = list(CauseEffectLink.EDITABLE_FIELDS)

    def choices(self, user: Any, plan: StrategicPlan) -> dict[str, QuerySet[Any]]:
        options = (
            Objective.objects.restrict(user)
            .filter(plan=plan)
            .select_related("perspective")
            .order_by("perspective__order", "code")
        )
        return {"cause": options, "effect": options}
