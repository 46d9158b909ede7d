"""Pure rules of running the organisation (no ORM): who may grant which role."""

from __future__ import annotations

from collections.abc import Iterable

from org.scoping import ADMIN, EXECUTIVE, HR, MANAGER

# Every role a unit can be granted with, weakest first (the order forms list them in).
GRANTABLE: tuple[str, ...] = (MANAGER, EXECUTIVE, HR, ADMIN)


def grantable_roles(*, superuser: bool, covering: Iterable[str]) -> frozenset[str]:
    """The roles an actor may grant (or revoke) over a unit.

    ``covering`` are the actor's own roles whose subtree holds that unit. An administrator
    (or a superuser) grants every role; HR grants manager, executive and HR, never the
    administrator role — so nobody hands out more power than their own over a subtree.
    Everyone else grants nothing.
    """
    held = frozenset(covering)
    if superuser or ADMIN in held:
        return frozenset(GRANTABLE)
    if HR in held:
        return frozenset({MANAGER, EXECUTIVE, HR})
    return frozenset()
