"""The assessment's pure rules: DESIGN §3.8 exactly, and the properties of §3.1-3.5."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.rules import (
    Adjustment,
    Decision,
    Exemption,
    Grade,
    KeyTask,
    MilestoneItem,
    MilestoneLine,
    Period,
    QuantitativeItem,
    Ranked,
    SchemeRules,
    ScoreInput,
    Veto,
    check_distribution,
    compute_score,
    grade_for,
    period_target,
    period_value,
)
from scorecard.rules.scoring import HIGHER, LOWER, SUM, Tiers

D = Decimal
YEAR = 2026
ANNUAL = Period.of("annual", YEAR)
RULES = SchemeRules()


def worked_example(*, veto: bool = False) -> ScoreInput:
    """DESIGN §3.8: Engineering & Construction, annual cycle, qualitative mean 90."""
    return ScoreInput(
        quantitative=[
            QuantitativeItem(
                1,
                "New-energy capacity in operation (MW)",
                D(40),
                Tiers(baseline=D(400), target=D(500), challenge=D(600)),
                "last",
                actuals={12: D(550)},
            ),
            QuantitativeItem(
                2,
                "Project cost overrun (%)",
                D(20),
                Tiers(baseline=D(8), target=D(5), challenge=D(3), polarity=LOWER),
                "last",
                actuals={12: D(6)},
            ),
        ],
        milestones=[
            MilestoneItem(
                3,
                "Wind farm project",
                D(40),
                [
                    MilestoneLine(31, "Bidding", date(2026, 3, 31), date(2026, 3, 31)),
                    MilestoneLine(32, "Construction start", date(2026, 6, 1), date(2026, 6, 21)),
                    MilestoneLine(33, "Grid connection", date(2026, 11, 30)),
                ],
            )
        ],
        key_tasks=[KeyTask(4, "Safety campaign", "high_quality"), KeyTask(5, "Audit", "good")],
        adjustments=[Adjustment(6, "bonus", D(1), "early completion", Decision.APPROVED)],
        vetoes=[Veto(7, "serious safety accident", Decision.APPROVED)] if veto else [],
        qualitative=D(90),
    )


def test_worked_example_scores_89_47_and_grades_good() -> None:
    result = compute_score(worked_example(), ANNUAL, RULES)
    assert result.final == D("89.47")
    assert result.grade == Grade.GOOD
    assert result.key_task_points == D(3)
    assert result.adjustments == D(1)
    assert abs(result.quantitative_part - (D(268) / D(3))) < D("1e-20")
    arithmetic = result.explanation["arithmetic"]
    assert arithmetic["final"] == "89.47"
    assert [i["score_rounded"] for i in result.explanation["items"]] == ["110", "86.67", "60"]
    assert [i["weighted"] for i in result.explanation["items"]] == ["44", "17.3333333333", "24"]


def test_vetoed_worked_example_is_unqualified_whatever_its_score() -> None:
    result = compute_score(worked_example(veto=True), ANNUAL, RULES)
    assert result.final == D("89.47")
    assert result.grade == Grade.UNQUALIFIED
    assert result.explanation["vetoes"][0]["counted"] is True


def test_unapproved_adjustments_and_vetoes_are_left_out_and_explained() -> None:
    data = worked_example()
    data = replace(
        data,
        adjustments=[
            *data.adjustments,
            Adjustment(8, "bonus", D(5), "industry leading", Decision.PROPOSED),
            Adjustment(9, "deduction", D(2), "late report", Decision.REJECTED),
        ],
        vetoes=[Veto(10, "compliance", Decision.PROPOSED)],
    )
    result = compute_score(data, ANNUAL, RULES)
    assert result.final == D("89.47")
    assert result.grade == Grade.GOOD
    left_out = {a["id"]: a.get("left_out") for a in result.explanation["adjustments"]}
    assert left_out == {6: None, 8: "not_approved", 9: "not_approved"}


def test_bonus_points_are_capped_at_ten_but_deductions_are_not() -> None:
    data = replace(
        worked_example(),
        adjustments=[
            Adjustment(1, "bonus", D(7), "a", Decision.APPROVED),
            Adjustment(2, "bonus", D(6), "b", Decision.APPROVED),
            Adjustment(3, "deduction", D(4), "c", Decision.APPROVED),
        ],
    )
    result = compute_score(data, ANNUAL, RULES)
    assert result.adjustments == D(10) - D(4)
    assert result.explanation["adjustments"][1]["left_out"] == "bonus_cap"
    assert result.explanation["adjustments"][1]["counted"] == "3"


def test_exempted_item_is_removed_and_the_rest_rescaled_to_100() -> None:
    data = replace(worked_example(), exemptions=[Exemption(1, 3, "policy", Decision.APPROVED)])
    result = compute_score(data, ANNUAL, RULES)
    # 110 x 40/60 + 86.67 x 20/60 = 73.33 + 28.89
    expected = D(110) * D(40) / D(60) + (D(60) + D(80) / D(3)) * D(20) / D(60)
    assert abs(result.weighted_items - expected) < D("1e-20")
    items = result.explanation["items"]
    assert items[2]["left_out"] == "exempted"
    assert result.explanation["weights_rescaled"] is True


def test_without_a_qualitative_rating_the_final_is_the_quantitative_part() -> None:
    result = compute_score(replace(worked_example(), qualitative=None), ANNUAL, RULES)
    assert result.final == D("89.33")
    assert "no qualitative rating" in result.explanation["arithmetic"]["formula"]


def test_ungraded_key_task_counts_nothing_and_says_so() -> None:
    data = replace(worked_example(), key_tasks=[KeyTask(4, "Safety", None)])
    result = compute_score(data, ANNUAL, RULES)
    assert result.key_task_points == 0
    assert result.explanation["key_tasks"][0]["left_out"] == "not_graded"


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (D(95), Grade.EXCELLENT),
        (D("94.99"), Grade.GOOD),
        (D(85), Grade.GOOD),
        (D(70), Grade.QUALIFIED),
        (D(60), Grade.BASIC),
        (D("59.99"), Grade.UNQUALIFIED),
        (D(-3), Grade.UNQUALIFIED),
    ],
)
def test_grade_table_of_design_3_5(score: Decimal, grade: Grade) -> None:
    assert grade_for(score, RULES) == grade


def test_scheme_round_trips_through_its_json_snapshot() -> None:
    rules = replace(RULES, bonus_cap=D(8), grace_days=15)
    assert SchemeRules.from_json(rules.to_json()) == rules
    assert rules.problems() == []


# --- §3.1 period values and targets -----------------------------------------------------


def test_semi_annual_sum_target_is_the_plan_to_june() -> None:
    h1 = Period.of("semi_annual", YEAR, 1)
    assert period_target(D(1200), SUM, h1) == D(600)
    assert period_target(D(1200), SUM, h1, {3: D(100), 6: D(500)}) == D(600)


def test_second_half_sum_target_is_the_plan_of_july_to_december() -> None:
    h2 = Period.of("semi_annual", YEAR, 2)
    assert period_target(D(1200), SUM, h2) == D(600)
    assert period_value({1: D(5), 7: D(10), 12: D(20)}, SUM, h2) == D(30)


def test_monthly_average_item_keeps_the_annual_target() -> None:
    may = Period.of("monthly", YEAR, 5)
    assert period_target(D(95), "average", may) == D(95)
    assert period_value({4: D(90), 5: D(97)}, "average", may) == D(97)


# --- Properties -------------------------------------------------------------------------

actual = st.decimals(min_value=0, max_value=2000, allow_nan=False, places=2)
weights = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=5)


def _input(
    weights_: list[int], actuals: list[Decimal], polarity: str = HIGHER, **extra: object
) -> ScoreInput:
    tiers = (
        Tiers(baseline=D(400), target=D(500), challenge=D(600))
        if polarity == HIGHER
        else Tiers(baseline=D(600), target=D(500), challenge=D(400), polarity=LOWER)
    )
    items = [
        QuantitativeItem(i, f"item {i}", D(w), tiers, SUM, actuals={12: a})
        for i, (w, a) in enumerate(zip(weights_, actuals, strict=False))
    ]
    return ScoreInput(quantitative=items, **extra)  # type: ignore[arg-type]


@given(weights, st.lists(actual, min_size=5, max_size=5))
def test_weighted_items_stay_between_0_and_120(ws: list[int], acts: list[Decimal]) -> None:
    result = compute_score(_input(ws, acts), ANNUAL, RULES)
    assert 0 <= result.weighted_items <= 120
    assert D(0) <= result.final <= D(120)


@given(
    weights,
    st.lists(actual, min_size=5, max_size=5),
    st.integers(min_value=0, max_value=4),
    st.decimals(min_value=0, max_value=500, allow_nan=False, places=2),
    st.sampled_from([HIGHER, LOWER]),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
)
@settings(max_examples=200)
def test_final_score_is_monotone_in_every_actual(
    ws: list[int],
    acts: list[Decimal],
    which: int,
    more: Decimal,
    polarity: str,
    qualitative: Decimal | None,
) -> None:
    which = which % len(ws)
    better = list(acts)
    better[which] += more if polarity == HIGHER else -min(more, better[which])
    before = compute_score(_input(ws, acts, polarity, qualitative=qualitative), ANNUAL, RULES)
    after = compute_score(_input(ws, better, polarity, qualitative=qualitative), ANNUAL, RULES)
    assert after.final_exact >= before.final_exact


@given(weights, st.lists(actual, min_size=5, max_size=5), st.data())
def test_exemptions_rescale_the_remaining_weights_to_100(
    ws: list[int], acts: list[Decimal], data: st.DataObject
) -> None:
    exempt = data.draw(st.sets(st.integers(min_value=0, max_value=len(ws) - 1)))
    exemptions = [Exemption(i, i, "force majeure", Decision.APPROVED) for i in exempt]
    result = compute_score(_input(ws, acts, exemptions=exemptions), ANNUAL, RULES)
    effective = [D(i["effective_weight"]) for i in result.explanation["items"]]
    if len(exempt) < len(ws):
        assert abs(sum(effective, D(0)) - 100) < D("1e-8")
    assert all(effective[i] == 0 for i in exempt)


@given(
    weights,
    st.lists(actual, min_size=5, max_size=5),
    st.decimals(min_value=0, max_value=100, places=2),
    st.lists(st.sampled_from(["high_quality", "good"]), max_size=10),
)
def test_a_veto_always_yields_unqualified(
    ws: list[int], acts: list[Decimal], qualitative: Decimal, grades: list[str]
) -> None:
    tasks = [KeyTask(100 + i, "task", g) for i, g in enumerate(grades)]
    vetoes = [Veto(1, "red line", Decision.APPROVED)]
    data = _input(ws, acts, key_tasks=tasks, vetoes=vetoes, qualitative=qualitative)
    assert compute_score(data, ANNUAL, RULES).grade == Grade.UNQUALIFIED


# --- §3.5 forced distribution ------------------------------------------------------------


def test_forced_distribution_keeps_at_most_20_percent_excellent_ties_by_quantitative() -> None:
    results = [
        Ranked(1, D(97), D(96), Grade.EXCELLENT),
        Ranked(2, D(96), D(95), Grade.EXCELLENT),
        Ranked(3, D(96), D(97), Grade.EXCELLENT),
        *[Ranked(10 + i, D(80), D(80), Grade.QUALIFIED) for i in range(7)],
    ]
    check = check_distribution(results, RULES)
    assert check.allowed_excellent == 2
    assert [r.result_id for r in check.ranking[:3]] == [1, 3, 2]
    assert check.proposed_downgrades == [2]
    assert not check.complies


@given(st.lists(st.sampled_from(list(Grade)), max_size=30))
def test_forced_distribution_proposal_always_complies(grades: list[Grade]) -> None:
    results = [Ranked(i, D(90), D(90), g) for i, g in enumerate(grades)]
    check = check_distribution(results, RULES)
    excellent = check.counts["excellent"] - len(check.proposed_downgrades)
    assert excellent <= check.allowed_excellent
