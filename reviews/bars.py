"""The shipped behaviour-anchored scales: five levels per behaviour, at the grade
thresholds of DESIGN §3.5, described in English and (through the catalogue) Chinese. A
scheme's own anchors replace these behaviour by behaviour (:func:`anchors_for`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reviews import rules

LEVELS: tuple[int, ...] = (0, 60, 70, 85, 95)

DEFAULTS: dict[str, tuple[Promise, ...]] = {
    rules.INTEGRITY: (
        _("Hides mistakes or bends rules for personal gain; commitments are not kept."),
        _("Mostly honest, but sometimes shifts blame or keeps commitments only when watched."),
        _("Honest and keeps commitments; reports own mistakes when asked."),
        _("Reports own mistakes unprompted and keeps every commitment, also under pressure."),
        _("A model of integrity: raises uncomfortable facts early and holds others to it."),
    ),
    rules.SYNERGY: (
        _("Works alone or against others; withholds information other units need."),
        _("Cooperates when asked, but rarely shares information or helps beyond own tasks."),
        _("Shares information and helps colleagues when it is needed."),
        _("Seeks out other units, shares early and puts the joint result before their own."),
        _("Builds cooperation across units; others seek them out to make joint work succeed."),
    ),
    rules.SYSTEMATICNESS: (
        _("Works ad hoc: no plan, deadlines slip and the same problems recur."),
        _("Plans some work, but loses sight of dependencies and follow-up."),
        _("Plans the work, tracks it and follows up on deviations."),
        _("Plans with dependencies and risks in mind; fixes causes, not only symptoms."),
        _("Thinks in systems: improves how the whole unit plans, tracks and learns."),
    ),
}


@dataclass(frozen=True)
class Anchor:
    behaviour: str
    level: int
    description: str
    custom: bool


def anchors_for(rows: Iterable[tuple[str, int, str]]) -> dict[str, list[Anchor]]:
    """``{behaviour: anchors from the lowest level}``: a scheme's own anchors
    (``(behaviour, level, description)`` rows) where it has any for a behaviour, else the
    shipped defaults in the current language."""
    own: dict[str, list[Anchor]] = {b: [] for b in rules.BEHAVIOURS}
    for behaviour, level, description in rows:
        if behaviour in own:
            own[behaviour].append(Anchor(behaviour, level, description, True))
    found: dict[str, list[Anchor]] = {}
    for behaviour in rules.BEHAVIOURS:
        if own[behaviour]:
            found[behaviour] = sorted(own[behaviour], key=lambda a: a.level)
        else:
            found[behaviour] = [
                Anchor(behaviour, level, str(text), False)
                for level, text in zip(LEVELS, DEFAULTS[behaviour], strict=True)
            ]
    return found
