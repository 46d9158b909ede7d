"""Editing a scheme's behaviour-anchored scales (HR of the scheme's owner unit)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import AssessmentScheme
from org.scoping import CHANGE, VIEW, Actor, audited, get_scoped, require, scope_of
from org.versions import claim_or_new, refuse_stale, require_version
from reviews import bars
from reviews.models import BarsAnchor


def scheme_for_change(
    actor: Actor, scheme: AssessmentScheme, model: type[Model] = BarsAnchor
) -> AssessmentScheme:
    """The scheme, if ``actor`` may change its ``model`` rows (HR of its owner unit); 404
    otherwise."""
    stored = get_scoped(
        AssessmentScheme.objects.select_related("owner_unit"), actor, scheme.pk, VIEW
    )
    if not scope_of(actor).may(model, CHANGE, stored.owner_unit.path):
        raise Http404
    return stored


@transaction.atomic
def bars_anchor_set(
    *,
    actor: Actor,
    scheme: AssessmentScheme,
    behaviour: str,
    level: int,
    description: str,
    version: int | None = None,
) -> BarsAnchor:
    """Describe the behaviour at ``level`` of the scheme's scale (create or change: a change
    names the anchor's ``version`` its editor opened). The first own anchor of a behaviour
    replaces its shipped scale, so HR starts from a copy of the defaults
    (:func:`bars_anchors_copy_defaults`)."""
    stored = scheme_for_change(actor, scheme)
    row = claim_or_new(
        actor,
        BarsAnchor.objects.select_for_update().filter(
            scheme=stored, behaviour=behaviour, level=level
        ),
        BarsAnchor(scheme=stored, behaviour=behaviour, level=level),
        version,
    )
    if not description.strip():
        raise ValidationError({"description": _("Describe the behaviour at this level.")})
    row.description = description
    row.full_clean()
    audited(row, actor, "anchor set").save()
    require(actor, BarsAnchor.objects, row.pk)
    return row


@transaction.atomic
def bars_anchor_delete(*, actor: Actor, anchor: BarsAnchor, version: int | None) -> None:
    """Remove a level's own description, from the ``version`` of it the editor read."""
    stored = get_scoped(BarsAnchor.objects.select_for_update(), actor, anchor.pk, CHANGE)
    require_version(actor, version)
    refuse_stale(stored, version)
    audited(stored, actor, "anchor removed").delete()


@transaction.atomic
def bars_anchors_copy_defaults(*, actor: Actor, scheme: AssessmentScheme) -> int:
    """Write the shipped scales (in the actor's language) into the scheme, for each
    behaviour it has no own anchors for; returns how many anchors were written."""
    stored = scheme_for_change(actor, scheme)
    have = set(BarsAnchor.objects.filter(scheme=stored).values_list("behaviour", flat=True))
    written = 0
    for behaviour, anchors in bars.anchors_for([]).items():
        if behaviour in have:
            continue
        for anchor in anchors:
            row = BarsAnchor(
                scheme=stored, behaviour=behaviour, level=anchor.level,
                description=anchor.description,
            )  # fmt: skip
            row.full_clean()
            audited(row, actor, "defaults copied").save()
            written += 1
    return written
