"""A 360° review: one reviewer's answer about one result (DESIGN §3.5)."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentResult
from org.models import Employee
from org.scoping import ADMIN, CHANGE, HR, SELF, VIEW, Scope, ScopedQuerySet
from reviews import rules
from reviews.models.policy import schemes_hr_reads


class ReviewerKind(models.TextChoices):
    SELF = rules.SELF, _("Self-assessment")
    SUPERIOR = rules.SUPERIOR, _("Superior")
    PEER = rules.PEER, _("Peer")
    SUBORDINATE = rules.SUBORDINATE, _("Subordinate")


# HR's and admins' action on reviews: ask and withdraw reviewers. It reaches the rows only
# to manage who is asked; what a reviewer answered stays out of its reach (VIEW is the
# reviewer's alone), so no HR page, list or endpoint built on it shows who said what.
ASSIGN = "assign"
# HR's and admins' reading of who said what: only where the scheme's review policy allows
# it (``reviews.policy``), and never about their own result (``selectors.answers``).
ANSWERS = "answers"


class ReviewQuerySet(ScopedQuerySet):
    """A reviewer sees and answers their own reviews, and nobody else reads a review row:
    the reviewee sees groups (``selectors.review_summary``), HR completion counts and the
    list of who is asked (``selectors.reviewers``) — and the answers (``ANSWERS``) only
    where the scheme's review policy says so."""

    scope_unit_lookup = "result__unit"
    scope_self_lookup = "reviewer_id"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({SELF}),
        CHANGE: frozenset({SELF}),
        ASSIGN: frozenset({HR, ADMIN}),
        ANSWERS: frozenset({HR, ADMIN}),
    }

    def scope_q(self, scope: Scope, action: str = VIEW) -> Q | None:
        """``ANSWERS`` reaches only the reviews of cycles whose scheme's review policy lets
        HR read who said what (a subquery; off by default), admins included."""
        q = super().scope_q(scope, action)
        if action != ANSWERS:
            return q
        gate = Q(result__cycle__scheme_id__in=schemes_hr_reads().values("pk"))
        return gate if q is None else q & gate


SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class Review(models.Model):
    result = models.ForeignKey(
        AssessmentResult, verbose_name=_("result"), on_delete=models.CASCADE,
        related_name="reviews",
    )  # fmt: skip
    reviewer = models.ForeignKey(
        Employee, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("reviewer kind"), max_length=12, choices=ReviewerKind.choices)
    integrity = models.DecimalField(
        _("integrity"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE
    )
    synergy = models.DecimalField(
        _("synergy"), max_digits=5, decimal_places=2, null=True, blank=True, validators=SCORE
    )
    systematicness = models.DecimalField(
        _("systematicness"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=SCORE,
    )  # fmt: skip
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    # Anonymity: the history does not record who changed a row (no user field).
    history = HistoricalRecords(excluded_fields=["reviewer"], get_user=lambda **kwargs: None)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["result", "reviewer"], name="review_once_per_reviewer")
        ]

    def __str__(self) -> str:
        return str(_("Review"))
