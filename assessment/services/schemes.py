"""Writes to assessment schemes: HR creates one and revises it into a new version."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils.translation import gettext as _

from assessment.models import AssessmentScheme
from org.models import OrgUnit
from org.scoping import CHANGE, Actor, audited, get_scoped, history_user, require, scope_of
from org.versions import StaleRecord, refuse_stale, require_version

SCHEME_FIELDS = (
    "name",
    "grade_table",
    "qualitative_weight",
    "key_task_points",
    "bonus_cap",
    "grace_days",
    "excellent_share",
)


@transaction.atomic
def scheme_create(
    *, actor: Actor, code: str, name: str, owner_unit: OrgUnit, **values: Any
) -> AssessmentScheme:
    """A new scheme (version 1) with the defaults of DESIGN §3 where ``values`` is silent."""
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown scheme fields: {sorted(unknown)}")
    if not scope_of(actor).may(AssessmentScheme, CHANGE, owner_unit.path):
        raise Http404
    scheme = AssessmentScheme(
        code=code,
        name=name,
        owner_unit=owner_unit,
        created_by_id=getattr(history_user(actor), "pk", None),
        **values,
    )
    scheme.full_clean()
    audited(scheme, actor).save()
    require(actor, AssessmentScheme.objects, scheme.pk)
    return scheme


@transaction.atomic
def scheme_revise(
    *, actor: Actor, scheme: AssessmentScheme, version: int | None, **values: Any
) -> AssessmentScheme:
    """HR's edit: the next version of the scheme; the previous one stays for the cycles
    that use it (they keep their own snapshot anyway). Only the current version can be
    revised, and only from the ``version`` its editor opened: an edit based on a superseded
    one is a stale edit (409)."""
    unknown = set(values) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"unknown scheme fields: {sorted(unknown)}")
    require_version(actor, version)
    stored = get_scoped(
        AssessmentScheme.objects.select_for_update(of=("self",)), actor, scheme.pk, CHANGE
    )
    if not stored.current:  # someone saved a newer version since this one was opened
        newest = AssessmentScheme.objects.filter(code=stored.code, current=True).first()
        raise StaleRecord(
            _(
                "This scheme was changed by someone else since you opened it (it is now "
                "version %(version)s). Nothing was saved: look at the current values and "
                "try again."
            )
            % {"version": newest.version if newest else stored.version + 1},
            current=newest,
        )
    refuse_stale(stored, version)
    latest = AssessmentScheme.objects.filter(code=stored.code).aggregate(v=Max("version"))["v"]
    fields = {name: getattr(stored, name) for name in SCHEME_FIELDS} | values
    revised = AssessmentScheme(
        code=stored.code,
        version=latest + 1,
        owner_unit=stored.owner_unit,
        created_by_id=getattr(history_user(actor), "pk", None),
        **fields,
    )
    revised.full_clean()
    for old in AssessmentScheme.objects.filter(code=stored.code, current=True):
        old.current = False
        audited(old, actor, "superseded").save(update_fields=["current"])
    audited(revised, actor).save()
    require(actor, AssessmentScheme.objects, revised.pk)
    return revised
