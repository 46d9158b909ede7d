"""Pure rules of decomposing a summed target (no ORM): what is left, and what overruns.

A summed target is split across children that must add up to it (DESIGN §4: "children
summing to the parent"). A cascade may go in several steps, so each step counts what the
earlier ones already gave; children beyond the parent's target are refused, not warned of.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

ZERO = Decimal(0)


def already_given(existing: Sequence[Decimal | None]) -> Decimal:
    """What earlier steps gave the existing children (a child without a target gave none)."""
    return sum((t for t in existing if t is not None), ZERO)


def left_to_give(target: Decimal, existing: Sequence[Decimal | None]) -> Decimal:
    """The part of ``target`` no child holds yet (negative when children already overrun)."""
    return target - already_given(existing)


def overrun(target: Decimal, existing: Sequence[Decimal | None], new: Sequence[Decimal]) -> Decimal:
    """By how much the existing and new children together exceed ``target`` (0: they fit)."""
    excess = already_given(existing) + sum(new, ZERO) - target
    return excess if excess > 0 else ZERO
