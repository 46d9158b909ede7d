"""Pure rules of the 360° review (DESIGN §3.5): no ORM.

Each answer rates integrity, synergy and systematicness 0-100; an answer's score is their
mean. The qualitative part is the mean of the answers. For anonymity, a reviewer kind
(peer, subordinate) is shown on its own only once at least ``MINIMUM`` answers of it are
in; a smaller group is merged with the next group in ``ORDER`` (the last small group
merges backwards), and the merge is reported so the page can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

SELF = "self"
SUPERIOR = "superior"
PEER = "peer"
SUBORDINATE = "subordinate"
ORDER: tuple[str, ...] = (PEER, SUBORDINATE, SUPERIOR)
ANONYMOUS_KINDS = frozenset({PEER, SUBORDINATE})
MINIMUM = 3
INTEGRITY, SYNERGY, SYSTEMATICNESS = "integrity", "synergy", "systematicness"
BEHAVIOURS: tuple[str, ...] = (INTEGRITY, SYNERGY, SYSTEMATICNESS)


@dataclass(frozen=True)
class Answer:
    kind: str
    integrity: Decimal
    synergy: Decimal
    systematicness: Decimal

    @property
    def score(self) -> Decimal:
        return (self.integrity + self.synergy + self.systematicness) / 3


def qualitative_part(answers: Sequence[Answer]) -> Decimal | None:
    """Mean of the answers' scores (the self-assessment excluded); None without answers."""
    rated = [a for a in answers if a.kind != SELF]
    if not rated:
        return None
    return _mean(rated)


def _mean(rated: Sequence[Answer]) -> Decimal:
    """One division, so rounding happens once (and the mean of equal answers is exact)."""
    total = sum((a.integrity + a.synergy + a.systematicness for a in rated), Decimal(0))
    return total / (3 * len(rated))


@dataclass(frozen=True)
class Group:
    kinds: tuple[str, ...]
    count: int
    mean: Decimal | None
    merged: bool


def groups(answers: Sequence[Answer], minimum: int = MINIMUM) -> list[Group]:
    """Answers grouped by kind for showing to the reviewee: each shown group holds at least
    ``minimum`` answers, or it is merged; a group still too small after merging is hidden
    (mean None). The superior's answer is never anonymous and still merged the same way."""
    by_kind: dict[str, list[Answer]] = {k: [] for k in ORDER}
    for a in answers:
        if a.kind in by_kind:
            by_kind[a.kind].append(a)
    pending: list[tuple[tuple[str, ...], list[Answer]]] = []
    carry_kinds: tuple[str, ...] = ()
    carry: list[Answer] = []
    for kind in ORDER:
        if not by_kind[kind]:
            continue
        carry_kinds, carry = (*carry_kinds, kind), carry + by_kind[kind]
        if len(carry) >= minimum:
            pending.append((carry_kinds, carry))
            carry_kinds, carry = (), []
    if carry and pending:
        kinds, rows = pending.pop()
        pending.append((kinds + carry_kinds, rows + carry))
    elif carry:
        return [Group(carry_kinds, len(carry), None, len(carry_kinds) > 1)]
    return [Group(k, len(rows), _mean(rows), len(k) > 1) for k, rows in pending]


# --- Behaviour-anchored scales ----------------------------------------------------------------
def anchor_level(levels: Sequence[int], rating: Decimal) -> int | None:
    """The anchor a rating falls under: the highest level at or below it (levels are the
    lowest rating each described behaviour stands for); None below every level."""
    below = [level for level in levels if level <= rating]
    return max(below) if below else None


# --- Appeals ---------------------------------------------------------------------------------
APPEAL_WINDOW_DAYS = 10


def appeal_deadline(published_on: date, window_days: int = APPEAL_WINDOW_DAYS) -> date:
    """The last day an appeal may be submitted: ``window_days`` after publishing."""
    return published_on + timedelta(days=window_days)


def may_appeal(
    published_on: date | None, today: date, window_days: int = APPEAL_WINDOW_DAYS
) -> bool:
    """Whether an appeal may be submitted ``today``: from publishing to the deadline."""
    if published_on is None:
        return False
    return published_on <= today <= appeal_deadline(published_on, window_days)
