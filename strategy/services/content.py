"""Writes to what a draft plan holds besides its objectives: perspectives, themes and the
strategies of the units ("one department, one strategy")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from org.models import OrgUnit
from org.scoping import Actor
from strategy.models import Perspective, StrategicPlan, Strategy, Theme
from strategy.services._common import apply, delete_or_explain, require_draft, require_row, saved


def _next_order(model: Any, plan: StrategicPlan) -> int:
    return (model.objects.filter(plan=plan).aggregate(top=Max("order"))["top"] or 0) + 1


def _free_code(plan: StrategicPlan, name: str, exclude: int | None = None) -> str:
    """A slug for a perspective, unique within the plan (``risk``, ``risk-2``, …)."""
    base = slugify(name)[:36] or "perspective"
    taken = set(
        Perspective.objects.filter(plan=plan).exclude(pk=exclude).values_list("code", flat=True)
    )
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


# --- Perspectives --------------------------------------------------------------------------
@transaction.atomic
def perspective_create(
    *, actor: Actor, plan: StrategicPlan, name: str, code: str = "", order: int | None = None
) -> Perspective:
    """Add a band to the map (e.g. "Risk & compliance"), at the bottom unless ``order`` says."""
    plan = require_draft(actor, plan)
    perspective = Perspective(
        plan=plan,
        name=name,
        code=code or _free_code(plan, name),
        order=order if order is not None else _next_order(Perspective, plan),
    )
    return saved(actor, perspective)


@transaction.atomic
def perspective_update(*, actor: Actor, perspective: Perspective, **fields: Any) -> Perspective:
    require_row(actor, perspective)
    apply(perspective, fields)
    if not perspective.code:
        perspective.code = _free_code(perspective.plan, perspective.name, exclude=perspective.pk)
    return saved(actor, perspective)


@transaction.atomic
def perspective_move(*, actor: Actor, perspective: Perspective, offset: int) -> Perspective:
    """Move a band up (``offset`` < 0) or down the map, renumbering the bands 1, 2, 3, …"""
    plan = require_draft(actor, perspective.plan_id)
    bands = list(Perspective.objects.filter(plan=plan).order_by("order", "id"))
    at = next(i for i, p in enumerate(bands) if p.pk == perspective.pk)
    to = max(0, min(len(bands) - 1, at + offset))
    bands.insert(to, bands.pop(at))
    for order, band in enumerate(bands, start=1):
        if band.order != order:
            band.order = order
            band.save(update_fields=["order"])
    return next(p for p in bands if p.pk == perspective.pk)


@transaction.atomic
def perspective_delete(*, actor: Actor, perspective: Perspective) -> None:
    require_row(actor, perspective)
    delete_or_explain(perspective, _("Move or delete the objectives of this perspective first."))


# --- Themes --------------------------------------------------------------------------------
@transaction.atomic
def theme_create(*, actor: Actor, plan: StrategicPlan, name: str, description: str = "") -> Theme:
    plan = require_draft(actor, plan)
    theme = Theme(plan=plan, name=name, description=description, order=_next_order(Theme, plan))
    return saved(actor, theme)


@transaction.atomic
def theme_update(*, actor: Actor, theme: Theme, **fields: Any) -> Theme:
    require_row(actor, theme)
    apply(theme, fields)
    return saved(actor, theme)


@transaction.atomic
def theme_delete(*, actor: Actor, theme: Theme) -> None:
    """Delete a theme; its objectives stay on the map, without a theme."""
    require_row(actor, theme)
    theme.delete()


# --- Strategies ----------------------------------------------------------------------------
@transaction.atomic
def strategy_create(
    *,
    actor: Actor,
    plan: StrategicPlan,
    level: str,
    unit: OrgUnit,
    name: str,
    function: str = "",
    mission: str = "",
    description: str = "",
) -> Strategy:
    plan = require_draft(actor, plan)
    strategy = Strategy(
        plan=plan,
        level=level,
        unit=unit,
        name=name,
        function=function,
        mission=mission,
        description=description,
    )
    return saved(actor, strategy)


@transaction.atomic
def strategy_update(*, actor: Actor, strategy: Strategy, **fields: Any) -> Strategy:
    require_row(actor, strategy)
    apply(strategy, fields)
    return saved(actor, strategy)


@transaction.atomic
def strategy_delete(*, actor: Actor, strategy: Strategy) -> None:
    require_row(actor, strategy)
    strategy.delete()
