"""Feedback between an employee and their manager: threads on a published result or on a
scorecard item, and ad-hoc feedback to a colleague — shared with them, or private to their
manager. Feedback is signed: its author is named (unlike a 360° review)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.models import AssessmentResult
from org.models import Employee, OrgUnit
from org.scoping import ADMIN, MANAGER, VIEW, Scope, ScopedQuerySet
from scorecard.models import ScorecardItem


class FeedbackTopic(models.TextChoices):
    RESULT = "result", _("A published result")
    ITEM = "item", _("A scorecard item")
    ADHOC = "adhoc", _("Ad-hoc feedback")


class FeedbackThreadQuerySet(ScopedQuerySet):
    """The person it is about (unless private), whoever started it, and the managers of
    the person's unit; HR is not party to feedback. Whoever sees a thread may reply."""

    scope_unit_lookup = "unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({MANAGER, ADMIN}),
    }

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        if scope.superuser:
            return None
        me = scope.employee_id
        q = scope.units_q({MANAGER, ADMIN}, "unit")
        if me is None:
            return q
        # a manager does not read private feedback about themself through their unit
        q &= ~Q(employee_id=me, private=True)
        return q | Q(started_by_id=me) | Q(employee_id=me, private=False)


class FeedbackThread(models.Model):
    """A conversation about one person: on their result, one of their items, or ad hoc."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("about"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("on"), max_length=8, choices=FeedbackTopic.choices)
    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("result"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    item = models.ForeignKey(
        ScorecardItem, verbose_name=_("scorecard item"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )  # fmt: skip
    subject = models.CharField(_("subject"), max_length=200)
    private = models.BooleanField(
        _("private to the manager"),
        default=False,
        help_text=_("Only the person's manager reads it, not the person."),
    )
    started_by = models.ForeignKey(
        Employee, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"))
    last_message_at = models.DateTimeField(_("last message at"))

    objects = FeedbackThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback thread")
        verbose_name_plural = _("feedback threads")
        ordering = ("-last_message_at", "-pk")

    def __str__(self) -> str:
        return self.subject


class FeedbackMessage(models.Model):
    """One message of a thread, signed by its author."""

    thread = models.ForeignKey(
        FeedbackThread, verbose_name=_("thread"), on_delete=models.CASCADE,
        related_name="messages",
    )  # fmt: skip
    author = models.ForeignKey(
        Employee, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("feedback message")
        verbose_name_plural = _("feedback messages")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.body[:60]
