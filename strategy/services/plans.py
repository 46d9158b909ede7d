"""Writes to a strategic plan and its versions: create, edit, approve, new version, delete.

One transaction each; ``actor`` is whoever makes the change (a user, or ``SYSTEM`` for
background work) and must hold the executive or admin role over the plan's unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from org.models import OrgUnit
from org.scoping import CHANGE, Actor, get_scoped, history_user, require
from spm.clock import Clock
from spm.clock import clock as configured_clock
from strategy.models import (
    CauseEffectLink,
    Objective,
    Perspective,
    PlanStatus,
    StrategicPlan,
    Strategy,
    Theme,
)
from strategy.services._common import apply, delete_or_explain, require_draft, saved


def default_perspectives() -> list[tuple[str, str]]:
    """The four Balanced Scorecard perspectives, top band first."""
    return [
        ("financial", _("Financial")),
        ("customer", _("Customer")),
        ("internal", _("Internal process")),
        ("learning", _("Learning & growth")),
    ]


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    owner_unit: OrgUnit,
    name: str,
    start_year: int,
    end_year: int,
    mission: str = "",
    vision: str = "",
    core_values: str = "",
    perspectives: list[tuple[str, str]] | None = None,
) -> StrategicPlan:
    """A new draft plan (version 1), with the four BSC perspectives unless told otherwise."""
    plan = StrategicPlan(
        owner_unit=owner_unit,
        name=name,
        start_year=start_year,
        end_year=end_year,
        mission=mission,
        vision=vision,
        core_values=core_values,
    )
    saved(actor, plan)
    for order, (code, title) in enumerate(perspectives or default_perspectives(), start=1):
        perspective = Perspective(plan=plan, code=code, name=title, order=order)
        perspective.full_clean()
        perspective.save()
    return plan


@transaction.atomic
def plan_update(*, actor: Actor, plan: StrategicPlan, **fields: Any) -> StrategicPlan:
    """Edit name, period, mission, vision or core values of a draft."""
    fresh = require_draft(actor, plan)
    apply(fresh, fields)
    return saved(actor, fresh)


@transaction.atomic
def plan_approve(*, actor: Actor, plan: StrategicPlan, clock: Clock | None = None) -> StrategicPlan:
    """Approve a draft; the version it revises becomes superseded (and stays readable).

    ``clock`` tells the approval time (the configured clock unless given)."""
    fresh = require_draft(actor, plan)
    problems = []
    if not fresh.mission.strip():
        problems.append(_("Write the mission before approving."))
    if not fresh.vision.strip():
        problems.append(_("Write the vision before approving."))
    if not fresh.objectives.exists():
        problems.append(_("Add at least one objective before approving."))
    overlapping = (
        StrategicPlan.objects.filter(
            owner_unit_id=fresh.owner_unit_id,
            status=PlanStatus.APPROVED,
            start_year__lte=fresh.end_year,
            end_year__gte=fresh.start_year,
        )
        .exclude(pk=fresh.pk)
        .exclude(pk=fresh.previous_id)
        .first()
    )
    if overlapping is not None:
        problems.append(
            _("%(plan)s is already approved for these years; revise it with a new version.")
            % {"plan": overlapping}
        )
    if problems:
        raise ValidationError(problems)
    previous = (
        StrategicPlan.objects.filter(pk=fresh.previous_id, status=PlanStatus.APPROVED).first()
        if fresh.previous_id is not None
        else None
    )
    if previous is not None:
        previous.status = PlanStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    fresh.status = PlanStatus.APPROVED
    fresh.approved_at = (clock or configured_clock()).now()
    fresh.approved_by = history_user(actor)  # type: ignore[assignment]  # the user model
    return saved(actor, fresh)


@transaction.atomic
def plan_new_version(*, actor: Actor, plan: StrategicPlan) -> StrategicPlan:
    """A draft copy of the approved ``plan`` — perspectives, themes, strategies, objectives
    and links — to revise and approve in its place."""
    source: StrategicPlan = get_scoped(
        StrategicPlan.objects.select_for_update(), actor, plan.pk, CHANGE
    )
    if source.status != PlanStatus.APPROVED:
        raise ValidationError(_("Only the approved version can be revised."))
    if source.next_versions.filter(status=PlanStatus.DRAFT).exists():
        raise ValidationError(_("A draft of the next version already exists."))
    latest = (
        StrategicPlan.objects.filter(Q(pk=source.id) | Q(previous=source))
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    draft = StrategicPlan(
        **_carried(source, ("owner_unit", *StrategicPlan.EDITABLE_FIELDS)),
        version=(latest or source.version) + 1,
        previous=source,
    )
    draft.full_clean()
    draft.save()
    perspectives = {
        old.pk: new
        for old, new in _copy(
            Perspective.objects.filter(plan=source),
            lambda p: Perspective(
                plan=draft, **_carried(p, (*Perspective.EDITABLE_FIELDS, "order"))
            ),
        )
    }
    themes = {
        old.pk: new
        for old, new in _copy(
            Theme.objects.filter(plan=source),
            lambda t: Theme(plan=draft, **_carried(t, Theme.EDITABLE_FIELDS)),
        )
    }
    _copy(
        Strategy.objects.filter(plan=source),
        lambda s: Strategy(plan=draft, **_carried(s, Strategy.EDITABLE_FIELDS)),
    )
    old_objectives = list(Objective.objects.filter(plan=source).order_by("pk"))
    objective_pairs = _copy(
        old_objectives,
        lambda o: Objective(
            plan=draft,
            perspective=perspectives[o.perspective_id],
            theme=themes.get(o.theme_id) if o.theme_id else None,
            carried_from=o,
            **_carried(o, set(Objective.EDITABLE_FIELDS) - REMAPPED),
        ),
    )
    objectives = {old.pk: new for old, new in objective_pairs}
    cascaded = []
    for old, new in objective_pairs:
        if old.parent_id in objectives:
            new.parent = objectives[old.parent_id]
            cascaded.append(new)
    if cascaded:
        bulk_update_with_history(cascaded, Objective, ["parent"])
    _copy(
        CauseEffectLink.objects.filter(plan=source),
        lambda link: CauseEffectLink(
            plan=draft,
            cause=objectives[link.cause_id],
            effect=objectives[link.effect_id],
            **_carried(link, set(CauseEffectLink.EDITABLE_FIELDS) - REMAPPED),
        ),
    )
    require(actor, StrategicPlan.objects, draft.pk)
    return draft


# Fields a new version points at its own copies of (set by hand in plan_new_version).
REMAPPED = frozenset({"perspective", "theme", "parent", "cause", "effect"})


def _carried(row: Any, names: Iterable[str]) -> dict[str, Any]:
    """The values of ``names`` on ``row`` to build its copy from; a foreign key by its id,
    so that copying a row reads no other."""
    attnames = (row._meta.get_field(name).attname for name in names)
    return {attname: getattr(row, attname) for attname in attnames}


def _copy(rows: Any, make: Any) -> list[tuple[Any, Any]]:
    """Copy ``rows`` with ``make`` in one insert, keeping the history rows the audit needs."""
    old = list(rows)
    new = [make(row) for row in old]
    if new:
        created = bulk_create_with_history(new, type(new[0]))
        # Some databases do not return primary keys from bulk inserts; SQLite and
        # PostgreSQL do, which is what SPM runs on.
        new = list(created)
    return list(zip(old, new, strict=True))


@transaction.atomic
def plan_delete(*, actor: Actor, plan: StrategicPlan) -> None:
    """Delete a draft (e.g. an abandoned revision); approved versions are kept for good."""
    fresh = require_draft(actor, plan)
    delete_or_explain(fresh, _("This draft is already used elsewhere and cannot be deleted."))
