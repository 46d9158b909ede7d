"""The safe formula evaluator: arithmetic, clear errors, no ``eval``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecard.rules import expressions as ex

D = Decimal
VALUES = {"PROFIT": D(120), "EQUITY": D(800), "HQ-STAFF": D(40), "zero": D(0)}


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("PROFIT / EQUITY * 100", D(15)),
        ("(PROFIT + 30) / [HQ-STAFF]", D("3.75")),
        ("-PROFIT + --PROFIT", D(0)),
        ("max(PROFIT, EQUITY, 3) - min(1, 2)", D(799)),
        ("abs(0 - PROFIT)", D(120)),
        ("2 * 3 + 4 * 5", D(26)),
        ("1 - 2 - 3", D(-4)),
        ("8 / 4 / 2", D(1)),
        (".5 + 1.25", D("1.75")),
    ],
)
def test_formulas_follow_arithmetic_precedence(formula: str, expected: Decimal) -> None:
    assert ex.evaluate(ex.parse(formula), VALUES) == expected


@pytest.mark.parametrize(
    ("formula", "fragment"),
    [
        ("PROFIT +", "end of formula"),
        ("(PROFIT", "')'"),
        ("PROFIT ) 2", "end of formula"),
        ("2 ** 3", "Expected a number"),
        ("PROFIT $ 2", "Unexpected character '$'"),
        ("__import__('os')", "Unexpected character"),
        ("", "empty"),
        ("abs(1, 2)", "abs() takes 1 to 1 arguments"),
    ],
)
def test_bad_syntax_is_reported_with_its_position(formula: str, fragment: str) -> None:
    with pytest.raises(ex.ExpressionSyntaxError) as info:
        ex.parse(formula)
    assert fragment in str(info.value)
    assert "position" in str(info.value)


def test_python_is_not_evaluated() -> None:
    for attack in ("PROFIT.__class__", "open('x')", "lambda: 1", "[x for x in y]"):
        with pytest.raises(ex.ExpressionError):
            ex.evaluate(ex.parse(attack), VALUES)


def test_unknown_names_are_listed() -> None:
    with pytest.raises(ex.UnknownName) as info:
        ex.evaluate(ex.parse("PROFIT / REVENUE + COSTS"), VALUES)
    assert info.value.names == ["COSTS", "REVENUE"]
    assert "COSTS, REVENUE" in str(info.value)


def test_division_by_zero_names_the_divisor() -> None:
    with pytest.raises(ex.ZeroDivision) as info:
        ex.evaluate(ex.parse("PROFIT / (EQUITY - EQUITY)"), VALUES)
    assert "EQUITY - EQUITY is 0" in str(info.value)
    with pytest.raises(ex.ZeroDivision):
        ex.evaluate(ex.parse("1 / zero"), VALUES)


def test_too_deep_or_too_long_formulas_are_refused() -> None:
    with pytest.raises(ex.ExpressionSyntaxError, match="too deeply"):
        ex.parse("(" * 200 + "1" + ")" * 200)
    with pytest.raises(ex.ExpressionSyntaxError, match="too long"):
        ex.parse("1+" * 1500 + "1")


def test_cycles_between_formulas_are_found_and_shown() -> None:
    formulas = {"A": ex.parse("B + 1"), "B": ex.parse("C * 2"), "C": ex.parse("A - PROFIT")}
    with pytest.raises(ex.CycleError) as info:
        ex.check_formulas(formulas, known=["PROFIT"])
    assert info.value.cycle == ["A", "B", "C", "A"]
    assert "A → B → C → A" in str(info.value)
    with pytest.raises(ex.CycleError):
        ex.check_formulas({"SELF": ex.parse("SELF + 1")}, known=[])


def test_check_formulas_refuses_unknown_codes() -> None:
    with pytest.raises(ex.UnknownName):
        ex.check_formulas({"ROE": ex.parse("PROFIT / EQUITY")}, known=["PROFIT"])
    ex.check_formulas({"ROE": ex.parse("PROFIT / EQUITY")}, known=["PROFIT", "EQUITY"])


def test_evaluate_all_resolves_formulas_over_formulas() -> None:
    formulas = {"ROE": ex.parse("PROFIT / EQUITY * 100"), "ROE2": ex.parse("ROE * 2")}
    assert ex.evaluate_all(formulas, VALUES, ["ROE2", "PROFIT"]) == {
        "ROE2": D(30),
        "PROFIT": D(120),
    }
    with pytest.raises(ex.UnknownName):
        ex.evaluate_all(formulas, {}, ["ROE"])


# --- Property: printing a random tree and parsing it back computes the same value ---------

leaf = st.one_of(
    st.integers(min_value=0, max_value=999).map(lambda n: ex.Number(D(n))),
    st.sampled_from(["PROFIT", "EQUITY", "HQ-STAFF"]).map(ex.Name),
)


def _extend(children: st.SearchStrategy[ex.Node]) -> st.SearchStrategy[ex.Node]:
    return st.one_of(
        st.tuples(st.sampled_from("+-*"), children, children).map(lambda t: ex.Binary(*t)),
        children.map(lambda c: ex.Unary("-", c)),
        st.lists(children, min_size=1, max_size=3).map(lambda a: ex.Call("max", tuple(a))),
    )


trees = st.recursive(leaf, _extend, max_leaves=12)


def _direct(node: ex.Node) -> Decimal:
    if isinstance(node, ex.Number):
        return node.value
    if isinstance(node, ex.Name):
        return VALUES[node.code]
    if isinstance(node, ex.Unary):
        return -_direct(node.operand)
    if isinstance(node, ex.Call):
        return max(_direct(a) for a in node.args)
    left, right = _direct(node.left), _direct(node.right)
    return {"+": left + right, "-": left - right, "*": left * right}[node.op]


@given(trees)
def test_a_printed_formula_parses_back_to_the_same_value(tree: ex.Node) -> None:
    text = str(tree)
    assert ex.evaluate(ex.parse(text), VALUES) == _direct(tree)
    assert ex.names_in(ex.parse(text)) == ex.names_in(tree)
