"""Approving many submitted actuals in one action (a unit's month), each with its own
stale check: a value changed since the approver saw it is left out and reported, the
rest are approved. Every row goes through :func:`scorecard.services.actuals.actual_approve`
(scope, separation of duties, compare-and-set on ``version``, audit), inside a savepoint of
one transaction, so one refused row never undoes or blocks the others. Later apps hear of
the batch once per month it touched (one ``actuals_changed``, one light-up re-sweep), not
once per row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from org.scoping import CHANGE, Actor
from scorecard.models import MonthlyActual
from scorecard.services.actuals import actual_approve, one_announcement_per_month
from spm.clock import Clock
from spm.clock import clock as configured_clock
from spm.errors import Conflict


@dataclass
class BulkApproval:
    approved: list[int] = field(default_factory=list)
    # changed since the approver saw them: pk -> what is stored now (its version)
    stale: list[int] = field(default_factory=list)
    # not approvable by this actor or no longer submitted
    refused: list[int] = field(default_factory=list)


@transaction.atomic
def actuals_approve_many(
    *, actor: Actor, rows: Sequence[tuple[int, int]], clock: Clock | None = None
) -> BulkApproval:
    """Approve each ``(pk, version seen)`` of ``rows``; report what was stale or refused."""
    clock = clock or configured_clock()
    result = BulkApproval()
    wanted = dict(rows)
    found = {
        a.pk: a
        for a in MonthlyActual.objects.restrict(actor, CHANGE)
        .filter(pk__in=wanted)
        .select_related("item__scorecard__unit", "item__scorecard__employee")
    }
    with one_announcement_per_month():
        _approve_each(actor, rows, found, result, clock)
    return result


def _approve_each(
    actor: Actor,
    rows: Sequence[tuple[int, int]],
    found: dict[int, MonthlyActual],
    result: BulkApproval,
    clock: Clock,
) -> None:
    for pk, version in rows:
        actual = found.get(pk)
        if actual is None:
            result.refused.append(pk)
            continue
        try:
            with transaction.atomic():
                actual_approve(actor=actor, actual=actual, expected_version=version, clock=clock)
        except Conflict:
            result.stale.append(pk)
        except (ValidationError, PermissionDenied, Http404):
            result.refused.append(pk)
        else:
            result.approved.append(pk)
