"""A scheme's review policy: the review rules of an assessment scheme that are not its
scales — whether HR reads individual answers with the reviewer's name.

Like the rest of a scheme it belongs to one scheme version: cycles keep the version they
were opened with, so their reviews keep its policy. A version without its own row takes
the latest earlier version's (:func:`reviews.policy.hr_reads_answers`), and with none the
default: off, HR sees completion only (issue 12)."""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentScheme
from reviews.models.bars import BarsAnchorQuerySet


class ReviewPolicyQuerySet(BarsAnchorQuerySet):
    """Read wherever the scheme is, like its anchors (reviewers are told what HR may read);
    HR of the scheme's owner unit changes it."""


class ReviewPolicy(models.Model):
    scheme = models.OneToOneField(
        AssessmentScheme, verbose_name=_("scheme"), on_delete=models.CASCADE,
        related_name="review_policy",
    )  # fmt: skip
    hr_reads_answers = models.BooleanField(
        _("HR reads who said what"),
        default=False,
        help_text=_(
            "HR of the result's unit reads each reviewer's answers with their name. The "
            "person reviewed never does."
        ),
    )
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = ReviewPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("review policy")
        verbose_name_plural = _("review policies")

    def __str__(self) -> str:
        return f"{self.scheme}: {self.hr_reads_answers}"


def schemes_hr_reads() -> QuerySet[AssessmentScheme]:
    """The scheme versions whose review policy lets HR read who said what — each version's
    own policy, else the latest earlier version's of the same code, else off. Lazy: used as
    a subquery, by the scope of :data:`reviews.models.reviews.ANSWERS` among others."""
    latest = (
        ReviewPolicy.objects.filter(
            scheme__code=OuterRef("code"), scheme__version__lte=OuterRef("version")
        )
        .order_by("-scheme__version")
        .values("hr_reads_answers")[:1]
    )
    return AssessmentScheme.objects.annotate(hr_reads=Subquery(latest)).filter(hr_reads=True)
