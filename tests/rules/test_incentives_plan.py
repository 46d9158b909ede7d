"""A cycle's bonuses under one set of terms (incentives.plan): pools add up to the cent,
a higher grade never pays less at equal base, a vetoed person gets 0, nesting and the
unit-grade factor."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from incentives.plan import Person, Terms, plan, pool_of
from incentives.rules import GRADES

D = Decimal
grade = st.sampled_from(GRADES)
base = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
pool = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
paths = st.sampled_from(["/1/", "/1/2/", "/1/2/3/", "/1/4/"])


@given(
    st.lists(st.tuples(paths, base, grade, st.booleans()), min_size=1, max_size=30),
    pool,
    pool,
)
def test_each_pool_pays_out_exactly_its_amount(rows: list, outer: Decimal, inner: Decimal) -> None:
    people = [Person(n, p, b, g, v) for n, (p, b, g, v) in enumerate(rows)]
    terms = Terms(pools={"/1/": outer, "/1/2/": inner})
    lines = plan(people, terms)
    for path, amount in terms.pools.items():
        members = [lines[p.key] for p in people if pool_of(p.unit_path, terms.pools) == path]
        weight = sum((ln.coefficient * D(ln.explanation["base"]) for ln in members), D(0))
        paid = sum((ln.amount for ln in members), D(0))
        assert paid == (amount if weight > 0 else 0)


@given(base, st.sampled_from(list(zip(GRADES[1:], GRADES[:-1], strict=True))), pool)
def test_at_equal_base_a_higher_grade_never_pays_less(
    b: Decimal, pair: tuple, amount: Decimal
) -> None:
    lower, higher = pair
    for terms in (Terms(), Terms(pools={"/1/": amount})):
        lines = plan([Person(1, "/1/", b, higher), Person(2, "/1/", b, lower)], terms)
        assert lines[1].amount >= lines[2].amount


@given(base, grade, pool)
def test_a_vetoed_person_gets_nothing(b: Decimal, g: str, amount: Decimal) -> None:
    for terms in (Terms(), Terms(pools={"/1/": amount})):
        lines = plan([Person(1, "/1/", b, g, vetoed=True), Person(2, "/1/", D(10), "good")], terms)
        assert lines[1].amount == 0 and lines[1].grade == "unqualified"


def test_the_unit_grade_factor_scales_the_pool_only_when_switched_on() -> None:
    people = [Person(1, "/1/2/", D(100), "good")]
    off = Terms(
        pools={"/1/": D(1000)},
        unit_grades={"/1/": "excellent"},
        unit_factors={"excellent": D("1.2")},
    )
    on = Terms(**{**off.__dict__, "unit_factor": True})
    assert plan(people, off)[1].amount == D("1000.00")
    assert plan(people, on)[1].amount == D("1200.00")


def test_a_person_belongs_to_the_deepest_pool_above_them() -> None:
    assert pool_of("/1/2/3/", ["/1/", "/1/2/"]) == "/1/2/"
    assert pool_of("/1/4/", ["/1/2/"]) is None
    assert pool_of("/11/", ["/1/"]) is None
