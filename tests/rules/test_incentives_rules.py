"""The bonus rules of DESIGN §3.5-3.6: individual bonus, pool allocation to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incentives.rules import (
    CENT,
    DEFAULT_COEFFICIENTS,
    GOOD,
    UNQUALIFIED,
    Claim,
    allocate_pool,
    coefficient_of,
    individual_bonus,
)

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
positive_money = st.decimals(
    min_value=Decimal("0.01"), max_value=10**7, places=2, allow_nan=False, allow_infinity=False
)
coefficient = st.sampled_from(sorted(set(DEFAULT_COEFFICIENTS.values())))


def test_worked_example_good_grade_pays_120_000_on_a_base_of_100_000() -> None:
    # DESIGN §3.8: final 89.47 -> good -> 1.2 x 100,000.
    assert individual_bonus(Decimal(100_000), coefficient_of(GOOD)) == Decimal("120000.00")


def test_worked_example_with_a_veto_pays_nothing() -> None:
    assert individual_bonus(Decimal(100_000), coefficient_of(GOOD, vetoed=True)) == Decimal("0.00")


def test_default_coefficients_are_those_of_the_grade_table() -> None:
    assert [str(v) for v in DEFAULT_COEFFICIENTS.values()] == ["1.4", "1.2", "1.0", "0.8", "0"]


def test_unknown_grade_is_refused() -> None:
    with pytest.raises(ValueError, match="no coefficient"):
        coefficient_of("legendary")


def test_an_individual_cap_limits_the_bonus() -> None:
    assert individual_bonus(Decimal(100_000), Decimal("1.4"), cap=Decimal(130_000)) == Decimal(
        "130000.00"
    )


def test_pool_is_shared_in_proportion_to_base_times_coefficient() -> None:
    result = allocate_pool(
        Decimal(1000),
        [Claim("a", Decimal(100), Decimal("1.2")), Claim("b", Decimal(100), Decimal("0.8"))],
    )
    assert result.amounts() == {"a": Decimal("600.00"), "b": Decimal("400.00")}


def test_left_over_cents_go_to_the_largest_remainders_and_ties_by_key() -> None:
    # 100.00 / 3 = 33.333…: one cent left, all remainders equal -> the first key gets it.
    claims = [Claim(k, Decimal(1), Decimal(1)) for k in ("c", "a", "b")]
    result = allocate_pool(Decimal(100), claims)
    assert result.amounts() == {"a": Decimal("33.34"), "b": Decimal("33.33"), "c": Decimal("33.33")}
    assert result.allocated == Decimal("100.00")


def test_a_capped_person_gives_the_excess_to_the_others() -> None:
    claims = [
        Claim("a", Decimal(100), Decimal("1.4"), cap=Decimal(100)),
        Claim("b", Decimal(100), Decimal("1.0")),
        Claim("c", Decimal(100), Decimal("1.0")),
    ]
    result = allocate_pool(Decimal(600), claims)
    assert result.amounts() == {
        "a": Decimal("100.00"),
        "b": Decimal("250.00"),
        "c": Decimal("250.00"),
    }


def test_when_everyone_is_capped_the_rest_stays_unallocated() -> None:
    claims = [Claim("a", Decimal(1), Decimal(1), cap=Decimal(10))]
    result = allocate_pool(Decimal(50), claims)
    assert result.amounts() == {"a": Decimal("10.00")}
    assert result.unallocated == Decimal("40.00")


def test_the_unit_grade_factor_scales_the_pool() -> None:
    result = allocate_pool(
        Decimal(1000), [Claim("a", Decimal(1), Decimal(1))], factor=Decimal("1.2")
    )
    assert result.amounts() == {"a": Decimal("1200.00")}


def test_negative_inputs_and_duplicate_people_are_refused() -> None:
    with pytest.raises(ValueError):
        allocate_pool(Decimal(-1), [])
    with pytest.raises(ValueError):
        allocate_pool(Decimal(1), [Claim("a", Decimal(-1), Decimal(1))])
    with pytest.raises(ValueError):
        allocate_pool(Decimal(1), [Claim("a", Decimal(1), Decimal(1))] * 2)


claims_strategy = st.lists(st.tuples(money, coefficient), min_size=1, max_size=40).map(
    lambda rows: [Claim(i, base, coef) for i, (base, coef) in enumerate(rows)]
)


@settings(max_examples=300, deadline=None)
@given(pool=money, claims=claims_strategy)
def test_pool_payouts_add_up_to_the_pool_to_the_cent(pool: Decimal, claims: list[Claim]) -> None:
    result = allocate_pool(pool, claims)
    if any(c.weight > 0 for c in claims):
        assert result.allocated == pool
    else:
        assert result.allocated == 0
    assert all(share.amount == share.amount.quantize(CENT) for share in result.shares)
    assert all(share.amount >= 0 for share in result.shares)


@settings(max_examples=300, deadline=None)
@given(pool=money, base=positive_money, others=claims_strategy, low=coefficient, high=coefficient)
def test_at_equal_base_a_higher_grade_never_pays_less(
    pool: Decimal, base: Decimal, others: list[Claim], low: Decimal, high: Decimal
) -> None:
    if low > high:
        low, high = high, low
    claims = [*others, Claim("low", base, low), Claim("high", base, high)]
    amounts = allocate_pool(pool, claims).amounts()
    assert amounts["high"] >= amounts["low"]


@settings(max_examples=200, deadline=None)
@given(pool=money, base=money, others=claims_strategy)
def test_a_vetoed_person_gets_nothing_from_the_pool(
    pool: Decimal, base: Decimal, others: list[Claim]
) -> None:
    vetoed = Claim("vetoed", base, coefficient_of(GOOD, vetoed=True))
    assert vetoed.coefficient == DEFAULT_COEFFICIENTS[UNQUALIFIED]
    assert allocate_pool(pool, [*others, vetoed]).amounts()["vetoed"] == 0


@settings(max_examples=200, deadline=None)
@given(pool=money, claims=claims_strategy)
def test_allocation_does_not_depend_on_input_order(pool: Decimal, claims: list[Claim]) -> None:
    forward = allocate_pool(pool, claims).amounts()
    backward = allocate_pool(pool, list(reversed(claims))).amounts()
    assert forward == backward


capped_claims = st.lists(
    st.tuples(money, coefficient, st.one_of(st.none(), money)), min_size=1, max_size=30
).map(lambda rows: [Claim(i, b, c, cap) for i, (b, c, cap) in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(pool=money, claims=capped_claims)
def test_caps_are_never_exceeded_and_the_pool_never_overspent(
    pool: Decimal, claims: list[Claim]
) -> None:
    result = allocate_pool(pool, claims)
    assert result.allocated <= pool
    for claim, share in zip(claims, result.shares, strict=True):
        if claim.cap is not None:
            assert share.amount <= claim.cap
    uncapped_open = [c for c in claims if c.weight > 0 and c.cap is None]
    if uncapped_open:
        assert result.allocated == pool
