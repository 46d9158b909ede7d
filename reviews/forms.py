"""Forms of the people-side pages; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Employee
from reviews.models import ActionStage, FeedbackTopic, IncidentKind
from spm.forms import BootstrapMixin

SCORE = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 5}


class PersonField(forms.ModelChoiceField):
    """One of the people the page offers (the view sets ``queryset``), shown as "name · unit";
    its cleaned value is that ``Employee``, so the view looks nobody up again."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Employee.objects.none(), empty_label=None, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.unit.name}"


class ReviewForm(BootstrapMixin, forms.Form):
    integrity = forms.DecimalField(label=_("Integrity"), **SCORE)  # type: ignore[arg-type]
    synergy = forms.DecimalField(label=_("Synergy"), **SCORE)  # type: ignore[arg-type]
    systematicness = forms.DecimalField(label=_("Systematicness"), **SCORE)  # type: ignore[arg-type]
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AppealForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you appeal?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)


class DecideForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))
    corrected_qualitative = forms.DecimalField(
        label=_("Corrected qualitative part (for a change)"),
        required=False,
        **SCORE,  # type: ignore[arg-type]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IncidentForm(BootstrapMixin, forms.Form):
    employee = PersonField(label=_("Employee"))
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ThreadForm(BootstrapMixin, forms.Form):
    employee = forms.TypedChoiceField(label=_("Colleague"), coerce=int)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}))
    private = forms.BooleanField(label=_("Private to their manager"), required=False)


class TopicThreadForm(BootstrapMixin, forms.Form):
    """A thread on a result or an item (the page names which)."""

    topic = forms.ChoiceField(choices=FeedbackTopic.choices, widget=forms.HiddenInput)
    target = forms.IntegerField(widget=forms.HiddenInput)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}))


class InterviewForm(BootstrapMixin, forms.Form):
    employee = PersonField(label=_("Employee"))
    scheduled_for = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)


class InterviewRecordForm(BootstrapMixin, forms.Form):
    strengths = forms.CharField(
        label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    gaps = forms.CharField(
        label=_("Gaps"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlanForm(BootstrapMixin, forms.Form):
    employee = PersonField(label=_("For"))
    title = forms.CharField(label=_("Title"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ActionForm(BootstrapMixin, forms.Form):
    description = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=ActionStage.choices)
    version = forms.IntegerField(required=False)


class AnchorForm(BootstrapMixin, forms.Form):
    behaviour = forms.CharField(widget=forms.HiddenInput)
    level = forms.IntegerField(label=_("From rating"), min_value=0, max_value=100)
    description = forms.CharField(
        label=_("Described behaviour"), widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def people_choices(people: Any) -> list[tuple[int, str]]:
    return [(p.pk, f"{p.name} · {p.unit.name}") for p in people]


class PolicyForm(BootstrapMixin, forms.Form):
    hr_reads_answers = forms.BooleanField(
        label=_("HR reads who said what"),
        required=False,
        help_text=_(
            "HR of the result's unit reads each reviewer's answers with their name. The "
            "person reviewed never does."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
