"""Writes to the indicator dictionary. HR, executives and admins curate it for the units
in their scope; a formula is checked (syntax, known names, no cycles) before it is saved."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404

from org.models import OrgUnit
from org.scoping import CHANGE, Actor, audited, require, scope_of
from scorecard.models import Indicator, IndicatorQuerySet


def may_curate(actor: Actor, unit: OrgUnit | None = None) -> bool:
    """Whether ``actor`` may write indicators (owned by ``unit``, when given)."""
    scope = scope_of(actor)
    if unit is None:
        return scope.superuser or bool(scope.paths(IndicatorQuerySet.scope_rules[CHANGE]))
    return scope.may(Indicator, CHANGE, unit.path)


@transaction.atomic
def indicator_create(*, actor: Actor, **fields: Any) -> Indicator:
    unknown = set(fields) - set(Indicator.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    owner = fields.get("owner_unit")
    if owner is not None and not may_curate(actor, owner):
        raise Http404
    indicator = Indicator(**fields)
    indicator.full_clean()
    audited(indicator, actor).save()
    require(actor, Indicator.objects, indicator.pk)
    return indicator


@transaction.atomic
def indicator_update(*, actor: Actor, indicator: Indicator, **fields: Any) -> Indicator:
    unknown = set(fields) - set(Indicator.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown indicator fields: {sorted(unknown)}")
    require(actor, Indicator.objects, indicator.pk)
    stored = Indicator.objects.get(pk=indicator.pk)
    for name, value in fields.items():
        setattr(stored, name, value)
    if not may_curate(actor, stored.owner_unit):
        raise Http404
    stored.full_clean()
    audited(stored, actor).save()
    require(actor, Indicator.objects, stored.pk)
    return stored
