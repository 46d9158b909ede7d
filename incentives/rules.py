"""Bonus rules of DESIGN §3.5-3.6 as pure functions over Decimals.

No ORM here: the what-if page, the payout task and the API call the same functions with
plain values, and the property tests check them directly.

- **Individual bonus** (§3.6): base bonus * the grade's coefficient (§3.5: excellent 1.4,
  good 1.2, qualified 1.0, basic 0.8, unqualified 0), optionally capped, in cents.
- **Unit pool** (§3.6): the pool (times an optional unit-grade factor) is shared in
  proportion to base * coefficient, rounded to cents so that the payouts add up to the pool
  exactly: every share is rounded down to the cent, and the cents left over go one each to
  the largest remainders — ties broken by the larger weight, then by the person's key, so
  the result never depends on input order. An individual cap is honoured by giving what a
  capped person cannot take to the others, in proportion, until nobody exceeds a cap; if
  everyone is capped, the rest of the pool stays unallocated and is reported.

Money is ``Decimal`` end to end; rounding to the cent happens once, here.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)

EXCELLENT = "excellent"
GOOD = "good"
QUALIFIED = "qualified"
BASIC = "basic"
UNQUALIFIED = "unqualified"
GRADES = (EXCELLENT, GOOD, QUALIFIED, BASIC, UNQUALIFIED)

# §3.5 default bonus coefficient of each grade.
DEFAULT_COEFFICIENTS: Mapping[str, Decimal] = {
    EXCELLENT: Decimal("1.4"),
    GOOD: Decimal("1.2"),
    QUALIFIED: Decimal("1.0"),
    BASIC: Decimal("0.8"),
    UNQUALIFIED: Decimal("0"),
}


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half up to the cent (the one rounding of a single payout)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def coefficient_of(
    grade: str, *, vetoed: bool = False, coefficients: Mapping[str, Decimal] | None = None
) -> Decimal:
    """The bonus coefficient of ``grade``; a vetoed result is unqualified whatever its grade."""
    table = DEFAULT_COEFFICIENTS if coefficients is None else coefficients
    if vetoed:
        return table.get(UNQUALIFIED, ZERO)
    try:
        return table[grade]
    except KeyError:
        raise ValueError(f"no coefficient for grade {grade!r}") from None


def individual_bonus(base: Decimal, coefficient: Decimal, cap: Decimal | None = None) -> Decimal:
    """§3.6 without a pool: base * coefficient, at most ``cap``, in cents (never negative)."""
    if base < 0 or coefficient < 0:
        raise ValueError("base bonus and coefficient cannot be negative")
    amount = base * coefficient
    if cap is not None:
        amount = min(amount, cap)
    return cents(amount)


@dataclass(frozen=True)
class Claim:
    """One person's claim on a unit pool: their key, base bonus, coefficient and cap."""

    key: Hashable
    base: Decimal
    coefficient: Decimal
    cap: Decimal | None = None

    @property
    def weight(self) -> Decimal:
        return self.base * self.coefficient


@dataclass(frozen=True)
class PoolShare:
    """How much of a pool one person gets, and why."""

    key: Hashable
    weight: Decimal  # base * coefficient
    exact: Decimal  # unrounded share (after caps)
    amount: Decimal  # in cents
    capped: bool = False


@dataclass(frozen=True)
class PoolAllocation:
    """The payouts of one pool: they add up to ``allocated``; ``unallocated`` is left over
    only when every claimant is capped (or nobody has any weight)."""

    pool: Decimal
    total_weight: Decimal
    shares: tuple[PoolShare, ...] = field(default_factory=tuple)

    @property
    def allocated(self) -> Decimal:
        return sum((share.amount for share in self.shares), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return self.pool - self.allocated

    def amounts(self) -> dict[Hashable, Decimal]:
        return {share.key: share.amount for share in self.shares}


def _sort_key(key: Hashable) -> tuple[str, str]:
    return (type(key).__name__, str(key))


def _exact_shares(pool: Decimal, claims: Sequence[Claim]) -> tuple[dict[Hashable, Decimal], set]:
    """Proportional shares with caps honoured by redistribution (water-filling)."""
    exact: dict[Hashable, Decimal] = {c.key: ZERO for c in claims}
    capped: set[Hashable] = set()
    remaining = pool
    open_claims = [c for c in claims if c.weight > 0]
    while open_claims and remaining > 0:
        weight = sum((c.weight for c in open_claims), ZERO)
        over = [
            c for c in open_claims if c.cap is not None and remaining * c.weight / weight > c.cap
        ]
        if not over:
            for c in open_claims:
                exact[c.key] = remaining * c.weight / weight
            return exact, capped
        for c in over:
            assert c.cap is not None
            exact[c.key] = c.cap
            capped.add(c.key)
            remaining -= c.cap
        open_claims = [c for c in open_claims if c.key not in capped]
    return exact, capped


def allocate_pool(
    pool: Decimal, claims: Sequence[Claim], *, factor: Decimal = Decimal(1)
) -> PoolAllocation:
    """§3.6: share ``pool`` * ``factor`` in proportion to base * coefficient, to the cent.

    The payouts add up to the (factored, cent-rounded) pool exactly, unless every claimant
    with weight is capped or no claimant has any weight; then the rest is ``unallocated``.
    """
    if pool < 0 or factor < 0:
        raise ValueError("a pool and its factor cannot be negative")
    keys = [c.key for c in claims]
    if len(set(keys)) != len(keys):
        raise ValueError("each claimant may appear once in a pool")
    if any(c.base < 0 or c.coefficient < 0 or (c.cap is not None and c.cap < 0) for c in claims):
        raise ValueError("bases, coefficients and caps cannot be negative")
    total = cents(pool * factor)
    total_weight = sum((c.weight for c in claims), ZERO)
    exact, capped = _exact_shares(total, claims)
    floors = {key: value.quantize(CENT, rounding=ROUND_DOWN) for key, value in exact.items()}
    handed_out = sum(floors.values(), ZERO)
    target = min(total, sum((exact[k] for k in exact), ZERO).quantize(CENT, rounding=ROUND_HALF_UP))
    leftover_cents = int(((target - handed_out) / CENT).to_integral_value(rounding=ROUND_DOWN))
    weights = {c.key: c.weight for c in claims}
    caps = {c.key: c.cap for c in claims}
    # Largest remainder first; ties: larger weight, then the key (deterministic).
    order = sorted(
        (k for k in exact if weights[k] > 0),
        key=lambda k: (-(exact[k] - floors[k]), -weights[k], _sort_key(k)),
    )
    for key in order:
        if leftover_cents <= 0:
            break
        cap = caps[key]
        if cap is not None and floors[key] + CENT > cap:
            continue
        floors[key] += CENT
        leftover_cents -= 1
    shares = tuple(
        PoolShare(
            key=c.key,
            weight=c.weight,
            exact=exact[c.key],
            amount=floors[c.key],
            capped=c.key in capped,
        )
        for c in claims
    )
    return PoolAllocation(pool=total, total_weight=total_weight, shares=shares)
