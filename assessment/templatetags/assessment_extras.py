"""Labels for the codes an explanation uses (it stores codes, the page shows words)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LEFT_OUT = {
    "not_approved": _("left out: not approved"),
    "bonus_cap": _("partly left out: over the bonus-point cap"),
    "exempted": _("left out: exempted"),
    "nothing_due": _("left out: nothing due in the period"),
    "not_graded": _("left out: not graded yet"),
}
KINDS = {
    "quantitative": _("Quantitative"),
    "milestone": _("Milestone"),
    "bonus": _("Bonus points"),
    "deduction": _("Deduction"),
}
GRADES = {
    "excellent": _("Excellent"),
    "good": _("Good"),
    "qualified": _("Qualified"),
    "basic": _("Basic"),
    "unqualified": _("Unqualified"),
    "high_quality": _("High-quality completion"),
    "completed": _("Completion"),
    "uncompleted": _("Uncompleted"),
    "negative_impact": _("Uncompleted with significant negative impact"),
}


@register.filter
def left_out(code: str | None) -> str:
    return str(LEFT_OUT.get(code or "", code or ""))


@register.filter
def kind_label(code: str | None) -> str:
    return str(KINDS.get(code or "", code or ""))


@register.filter
def grade_label(code: str | None) -> str:
    if code == "good":
        return str(_("Good"))
    return str(GRADES.get(code or "", code or ""))
