"""Reads of payouts, always starting from ``restrict()``.

HR, executives and managers see the payouts in their subtree as soon as they are
computed; the person paid sees their own once the cycle is published; a peer never sees
another person's payout.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from assessment.models import CycleStatus
from incentives.models import Payout
from org.scoping import VIEW, get_scoped, scope_of


def payouts(user: Any, action: str = VIEW) -> QuerySet[Payout]:
    rows = Payout.objects.restrict(user, action).select_related(
        "unit", "employee", "cycle", "scheme"
    )
    me = scope_of(user).employee_id
    if me is None:
        return rows
    return rows.exclude(Q(employee_id=me) & ~Q(cycle__status=CycleStatus.PUBLISHED))


def payout_get(user: Any, pk: Any, action: str = VIEW) -> Payout:
    return get_scoped(payouts(user, action), user, pk, action)
