"""A whole cycle's bonuses under one set of terms, as a pure function (DESIGN §3.5-3.6).

``plan(people, terms)`` is what both the payout task and the what-if call: the task with
the terms of the scheme version the cycle uses, the what-if with the terms HR is trying
out. No ORM here; the rules it applies are those of :mod:`incentives.rules`.

- A person outside every pool gets ``base x coefficient`` (§3.6), capped.
- A person in a unit's subtree that has a **pool** shares that pool with everyone else in
  it, in proportion to ``base x coefficient`` and to the cent (largest remainder). Pools
  nest: a person belongs to the deepest pool above them.
- With the **unit-grade factor** switched on, a pool is multiplied by the factor of the
  grade its unit got in the same cycle (a unit without a result keeps the pool as it is).
- The **individual cap** is the smaller of ``cap_ratio x base`` and ``cap_amount``; in a
  pool, what a capped person cannot take goes to the others.
- A vetoed person is unqualified whatever their grade, so their coefficient is that of
  *unqualified* (0 by default: the bonus is fully deducted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from incentives import rules
from incentives.rules import UNQUALIFIED, Claim, allocate_pool, coefficient_of, individual_bonus

ONE = Decimal(1)


@dataclass(frozen=True)
class Person:
    """One employee's result in the cycle, as the bonus rules need it."""

    key: int
    unit_path: str
    base: Decimal
    grade: str
    vetoed: bool = False


@dataclass(frozen=True)
class Terms:
    """Everything a scheme version says about money."""

    coefficients: Mapping[str, Decimal] = field(
        default_factory=lambda: dict(rules.DEFAULT_COEFFICIENTS)
    )
    cap_ratio: Decimal | None = None
    cap_amount: Decimal | None = None
    pools: Mapping[str, Decimal] = field(default_factory=dict)  # unit path -> pool
    unit_factor: bool = False
    unit_factors: Mapping[str, Decimal] = field(default_factory=dict)  # grade -> factor
    unit_grades: Mapping[str, str] = field(default_factory=dict)  # unit path -> its grade


@dataclass(frozen=True)
class Line:
    """One person's bonus under the terms, with the explanation shown to them."""

    key: int
    grade: str
    coefficient: Decimal
    amount: Decimal
    pool: str | None
    explanation: dict[str, Any]


def cap_of(base: Decimal, terms: Terms) -> Decimal | None:
    """The individual cap: the smaller of ``cap_ratio x base`` and ``cap_amount``."""
    caps = [c for c in (terms.cap_amount,) if c is not None]
    if terms.cap_ratio is not None:
        caps.append(rules.cents(base * terms.cap_ratio))
    return min(caps) if caps else None


def pool_of(unit_path: str, pool_paths: Iterable[str]) -> str | None:
    """The deepest pool whose unit is ``unit_path`` or above it (paths end with ``/``)."""
    found = [p for p in pool_paths if unit_path.startswith(p)]
    return max(found, key=len) if found else None


def factor_of(pool_path: str, terms: Terms) -> Decimal:
    """The unit-grade factor of a pool: 1 when off or when the unit has no grade."""
    if not terms.unit_factor:
        return ONE
    grade = terms.unit_grades.get(pool_path)
    if grade is None:
        return ONE
    return terms.unit_factors.get(grade, ONE)


def _effective(person: Person) -> str:
    return UNQUALIFIED if person.vetoed else person.grade


def individual_line(person: Person, terms: Terms) -> Line:
    coefficient = coefficient_of(
        person.grade, vetoed=person.vetoed, coefficients=terms.coefficients
    )
    cap = cap_of(person.base, terms)
    amount = individual_bonus(person.base, coefficient, cap)
    uncapped = rules.cents(person.base * coefficient)
    formula = f"{person.base} x {coefficient} = {amount}"
    if amount != uncapped:
        formula = f"min({person.base} x {coefficient}, {cap}) = {amount}"
    return Line(
        key=person.key,
        grade=_effective(person),
        coefficient=coefficient,
        amount=amount,
        pool=None,
        explanation={
            "method": "individual",
            "grade": person.grade,
            "vetoed": person.vetoed,
            "base": str(person.base),
            "coefficient": str(coefficient),
            "cap": None if cap is None else str(cap),
            "capped": amount != uncapped,
            "formula": formula,
            "amount": str(amount),
        },
    )


def pool_lines(pool_path: str, members: list[Person], terms: Terms) -> list[Line]:
    """Share the pool of ``pool_path`` among ``members`` (all of them, in one call)."""
    pool = terms.pools[pool_path]
    factor = factor_of(pool_path, terms)
    coefficients = {
        p.key: coefficient_of(p.grade, vetoed=p.vetoed, coefficients=terms.coefficients)
        for p in members
    }
    claims = [
        Claim(key=p.key, base=p.base, coefficient=coefficients[p.key], cap=cap_of(p.base, terms))
        for p in members
    ]
    allocation = allocate_pool(pool, claims, factor=factor)
    shares = {share.key: share for share in allocation.shares}
    unallocated = str(allocation.unallocated)  # a sum over the pool: once, not per person
    total_weight = f"{allocation.total_weight.normalize():f}"
    lines = []
    for p in members:
        share = shares[p.key]
        weight = f"{share.weight.normalize():f}"
        formula = f"{allocation.pool} x {weight} / {total_weight} = {share.amount}"
        lines.append(
            Line(
                key=p.key,
                grade=_effective(p),
                coefficient=coefficients[p.key],
                amount=share.amount,
                pool=pool_path,
                explanation={
                    "method": "pool",
                    "grade": p.grade,
                    "vetoed": p.vetoed,
                    "base": str(p.base),
                    "coefficient": str(coefficients[p.key]),
                    "pool": str(pool),
                    "factor": str(factor),
                    "pool_total": str(allocation.pool),
                    "weight": weight,
                    "total_weight": total_weight,
                    "members": len(members),
                    "capped": share.capped,
                    "unallocated": unallocated,
                    "formula": formula,
                    "amount": str(share.amount),
                },
            )
        )
    return lines


def plan(people: Iterable[Person], terms: Terms) -> dict[int, Line]:
    """Every person's line: pooled people share their pool, the others are paid alone."""
    pooled: dict[str, list[Person]] = {}
    lines: dict[int, Line] = {}
    for person in people:
        pool = pool_of(person.unit_path, terms.pools)
        if pool is None:
            lines[person.key] = individual_line(person, terms)
        else:
            pooled.setdefault(pool, []).append(person)
    for pool, members in pooled.items():
        for line in pool_lines(pool, members, terms):
            lines[line.key] = line
    return lines
