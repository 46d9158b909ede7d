"""Behaviour-anchored rating scales (BARS) of the 360° review, editable per scheme.

Each behaviour (integrity, synergy, systematicness) is rated 0-100 against described
behaviours at a few levels; a scheme without its own anchors for a behaviour uses the
shipped defaults of :mod:`reviews.bars` (in the reader's language)."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import AssessmentScheme
from org.scoping import ADMIN, CHANGE, EMPLOYEE, EXECUTIVE, HR, MANAGER, VIEW, ScopedQuerySet
from reviews import rules


class Behaviour(models.TextChoices):
    INTEGRITY = rules.INTEGRITY, _("Integrity")
    SYNERGY = rules.SYNERGY, _("Synergy")
    SYSTEMATICNESS = rules.SYSTEMATICNESS, _("Systematicness")


class BarsAnchorQuerySet(ScopedQuerySet):
    """Anchors are read wherever their scheme is; HR edits those of the schemes it owns."""

    scope_unit_lookup = "scheme__owner_unit"
    scope_rules: ClassVar[dict[str, frozenset[str]]] = {
        VIEW: frozenset({EMPLOYEE, MANAGER, HR, EXECUTIVE, ADMIN}),
        CHANGE: frozenset({HR, ADMIN}),
    }


class BarsAnchor(models.Model):
    """One described behaviour at one level of a scheme's scale: a rating of ``level`` or
    more (up to the next level) means the reviewer saw this behaviour."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("scheme"), on_delete=models.CASCADE,
        related_name="bars_anchors",
    )  # fmt: skip
    behaviour = models.CharField(_("behaviour"), max_length=16, choices=Behaviour.choices)
    level = models.PositiveSmallIntegerField(_("from rating"), validators=[MaxValueValidator(100)])
    description = models.TextField(_("described behaviour"))
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    objects = BarsAnchorQuerySet.as_manager()

    class Meta:
        verbose_name = _("behaviour anchor")
        verbose_name_plural = _("behaviour anchors")
        ordering = ("scheme", "behaviour", "level")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "behaviour", "level"], name="bars_anchor_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_behaviour_display()} ≥ {self.level}"
