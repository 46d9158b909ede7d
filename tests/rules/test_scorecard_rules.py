"""The pure scoring rules of DESIGN §3.1-3.3, with the worked example of §3.8."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scorecard.rules import scoring
from scorecard.rules.scoring import MilestoneOutcome, Tiers

D = Decimal
values = st.decimals(min_value=-10_000, max_value=10_000, allow_nan=False, places=2)
positive = st.decimals(min_value=D("0.01"), max_value=10_000, allow_nan=False, places=2)


@st.composite
def tiers(draw: st.DrawFn) -> Tiers:
    """Valid tiers of either polarity, with any optional tier present or missing."""
    polarity = draw(st.sampled_from([scoring.HIGHER, scoring.LOWER]))
    points = sorted(draw(st.sets(positive, min_size=4, max_size=4)))
    floor, baseline, target, challenge = points if polarity == scoring.HIGHER else points[::-1]
    keep = draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    return Tiers(
        target=target,
        baseline=baseline if keep[1] else None,
        challenge=challenge if keep[2] else None,
        floor=floor if keep[0] and keep[1] else None,
        polarity=polarity,
    )


# --- §3.8 worked example ---------------------------------------------------------------


def test_worked_example_capacity_550_on_400_500_600_scores_110() -> None:
    tiers = Tiers(baseline=D(400), target=D(500), challenge=D(600))
    assert scoring.tier_score(tiers, D(550)) == D(110)


def test_worked_example_cost_overrun_6_on_lower_better_8_5_3_keeps_full_precision() -> None:
    tiers = Tiers(baseline=D(8), target=D(5), challenge=D(3), polarity=scoring.LOWER)
    score = scoring.tier_score(tiers, D(6))
    assert score != D("86.67")
    assert abs(score - (D(60) + D(80) / D(3))) < D("1e-20")
    assert scoring.display(score) == D("86.67")
    assert scoring.display(score * D(20) / D(100)) == D("17.33")


def test_worked_example_milestones_on_time_late_and_undone_score_60() -> None:
    end = date(2026, 12, 31)
    milestones = [
        MilestoneOutcome(due=date(2026, 3, 31), completed_on=date(2026, 3, 30)),
        MilestoneOutcome(due=date(2026, 6, 30), completed_on=date(2026, 7, 20)),
        MilestoneOutcome(due=date(2026, 11, 30)),
    ]
    assert scoring.milestone_score(milestones, end) == D(60)


def test_worked_example_key_tasks_high_quality_and_good_add_three_points() -> None:
    assert scoring.key_task_points(["high_quality", "good"]) == D(3)


# --- §3.1 tiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (D(700), D(120)),
        (D(600), D(120)),
        (D(500), D(100)),
        (D(400), D(60)),
        (D(450), D(80)),
        (D(399), D(0)),
        (D(-5), D(0)),
    ],
)
def test_tier_points_at_and_between_tiers(actual: Decimal, expected: Decimal) -> None:
    assert (
        scoring.tier_score(Tiers(baseline=D(400), target=D(500), challenge=D(600)), actual)
        == expected
    )


def test_below_baseline_is_linear_from_the_floor_when_a_floor_is_set() -> None:
    tiers = Tiers(floor=D(200), baseline=D(400), target=D(500), challenge=D(600))
    assert scoring.tier_score(tiers, D(300)) == D(30)
    assert scoring.tier_score(tiers, D(200)) == D(0)
    assert scoring.tier_score(tiers, D(100)) == D(0)


def test_only_a_target_scores_the_ratio_capped_at_120() -> None:
    assert scoring.tier_score(Tiers(target=D(200)), D(150)) == D(75)
    assert scoring.tier_score(Tiers(target=D(200)), D(300)) == D(120)
    lower = Tiers(target=D(5), polarity=scoring.LOWER)
    assert scoring.tier_score(lower, D(10)) == D(50)
    assert scoring.tier_score(lower, D(4)) == D(120)
    assert scoring.tier_score(lower, D(0)) == D(120)


def test_a_zero_target_is_met_or_missed() -> None:
    accidents = Tiers(target=D(0), polarity=scoring.LOWER)
    assert scoring.tier_score(accidents, D(0)) == D(100)
    assert scoring.tier_score(accidents, D(1)) == D(0)


def test_within_range_scores_100_inside_and_0_outside() -> None:
    tiers = Tiers(polarity=scoring.RANGE, range_low=D(45), range_high=D(65))
    assert [scoring.tier_score(tiers, D(v)) for v in (44, 45, 60, 65, 66)] == [0, 100, 100, 100, 0]


def test_tiers_in_the_wrong_order_cannot_be_scored() -> None:
    wrong = Tiers(baseline=D(600), target=D(500), polarity=scoring.HIGHER)
    assert wrong.problems() == ["order"]
    with pytest.raises(ValueError, match="order"):
        scoring.tier_score(wrong, D(1))
    assert Tiers(polarity=scoring.RANGE, range_low=D(2), range_high=D(1)).problems() == ["range"]
    assert Tiers().problems() == ["target"]


@given(tiers(), values, values)
def test_score_is_monotone_in_the_actual(t: Tiers, a: Decimal, b: Decimal) -> None:
    low, high = sorted([a, b])
    better, worse = (high, low) if t.polarity == scoring.HIGHER else (low, high)
    assert scoring.tier_score(t, better) >= scoring.tier_score(t, worse)


@given(tiers(), values)
def test_score_is_bounded_between_0_and_120(t: Tiers, actual: Decimal) -> None:
    assert D(0) <= scoring.tier_score(t, actual) <= D(120)


@given(tiers())
def test_each_tier_scores_its_points(t: Tiers) -> None:
    assert scoring.tier_score(t, t.target) == D(100)  # type: ignore[arg-type]
    if t.baseline is not None:
        assert scoring.tier_score(t, t.baseline) == D(60)
    if t.challenge is not None:
        assert scoring.tier_score(t, t.challenge) == D(120)


# --- Period values and score to date -------------------------------------------------------


def test_aggregation_sums_averages_or_takes_the_last_month() -> None:
    actuals = {1: D(10), 2: D(20), 4: D(60)}
    assert scoring.aggregate(actuals, scoring.SUM, 3) == D(30)
    assert scoring.aggregate(actuals, scoring.AVERAGE, 4) == D(30)
    assert scoring.aggregate(actuals, scoring.LAST, 3) == D(20)
    assert scoring.aggregate({}, scoring.SUM, 12) is None


def test_plan_to_date_is_pro_rata_for_sums_unless_a_monthly_plan_is_given() -> None:
    assert scoring.plan_to_date(D(1200), scoring.SUM, 3) == D(300)
    assert scoring.plan_to_date(D(12), scoring.AVERAGE, 3) == D(12)
    plan = {1: D(50), 2: D(50), 3: D(200)}
    assert scoring.plan_to_date(D(1200), scoring.SUM, 3, plan) == D(300)
    assert scoring.plan_to_date(D(1200), scoring.SUM, 2, plan) == D(100)
    assert scoring.plan_to_date(D(8), scoring.LAST, 5, {3: D(9), 6: D(7)}) == D(9)


def test_score_to_date_compares_a_sum_with_the_tiers_taken_to_date() -> None:
    tiers = Tiers(baseline=D(960), target=D(1200), challenge=D(1440))
    # Half a year, on plan: 600 of 1200.
    assert scoring.score_to_date(tiers, scoring.SUM, {m: D(100) for m in range(1, 7)}, 6) == D(100)
    assert scoring.score_to_date(tiers, scoring.SUM, {}, 6) is None
    ratio = Tiers(baseline=D(8), target=D(10), polarity=scoring.HIGHER)
    assert scoring.score_to_date(ratio, scoring.LAST, {1: D(9), 2: D(10)}, 2) == D(100)


# --- §3.2 milestones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late_by", "points"), [(-3, 100), (0, 100), (1, 80), (30, 80), (31, 60), (200, 60)]
)
def test_milestone_points_by_lateness(late_by: int, points: int) -> None:
    due = date(2026, 5, 1)
    m = MilestoneOutcome(due=due, completed_on=due + timedelta(days=late_by))
    assert scoring.milestone_points(m, date(2026, 12, 31)) == D(points)


def test_a_milestone_done_after_the_period_counts_as_not_done() -> None:
    m = MilestoneOutcome(due=date(2026, 6, 1), completed_on=date(2026, 7, 5))
    assert scoring.milestone_points(m, date(2026, 6, 30)) == 0


def test_milestone_weights_weigh_the_mean_and_must_be_all_or_none() -> None:
    end = date(2026, 12, 31)
    done = MilestoneOutcome(due=date(2026, 1, 1), completed_on=date(2026, 1, 1), weight=D(3))
    undone = MilestoneOutcome(due=date(2026, 2, 1), weight=D(1))
    assert scoring.milestone_score([done, undone], end) == D(75)
    with pytest.raises(ValueError):
        scoring.milestone_score([done, MilestoneOutcome(due=date(2026, 2, 1))], end)
    assert scoring.milestone_score([], end) is None


def test_milestone_score_to_date_counts_only_what_is_due_or_done() -> None:
    ms = [
        MilestoneOutcome(due=date(2026, 3, 1), completed_on=date(2026, 2, 20)),
        MilestoneOutcome(due=date(2026, 9, 1)),
        MilestoneOutcome(due=date(2026, 12, 1), completed_on=date(2026, 4, 1)),
    ]
    assert scoring.milestone_score_to_date(ms, date(2026, 2, 1)) is None
    assert scoring.milestone_score_to_date(ms, date(2026, 5, 1)) == D(100)
    assert scoring.milestone_score_to_date(ms, date(2026, 10, 1)) == D(200) / D(3)


@given(st.lists(st.tuples(st.integers(-60, 60), st.booleans()), min_size=1, max_size=8))
def test_milestone_score_is_bounded(outcomes: list[tuple[int, bool]]) -> None:
    due = date(2026, 6, 1)
    ms = [
        MilestoneOutcome(due=due, completed_on=due + timedelta(days=d) if done else None)
        for d, done in outcomes
    ]
    score = scoring.milestone_score(ms, date(2026, 12, 31))
    assert score is not None
    assert D(0) <= score <= D(100)


# --- §3.3 key tasks ------------------------------------------------------------------------------


def test_key_task_grades_accumulate() -> None:
    grades = ["high_quality", "good", "completed", "uncompleted", "negative_impact"]
    assert scoring.key_task_points(grades) == D(-4)
    with pytest.raises(ValueError):
        scoring.key_task_points(["excellent"])


# --- Cascade splits and alignment -----------------------------------------------------------


@given(
    st.decimals(min_value=-1_000_000, max_value=1_000_000, places=4, allow_nan=False),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12),
)
def test_a_percentage_split_adds_up_exactly_to_the_parent(total: Decimal, raw: list[int]) -> None:
    assume(sum(raw) > 0)
    # Percentages with two decimals that add up to exactly 100.
    cents = [r * 10_000 // sum(raw) for r in raw]
    cents[0] += 10_000 - sum(cents)
    percentages = [D(c) / 100 for c in cents]
    parts = scoring.split_by_percentages(total, percentages)
    assert sum(parts) == total
    quantum = D("0.0001")
    for part, pct in zip(parts, percentages, strict=True):
        assert abs(part - total * pct / 100) <= quantum


def test_percentages_must_add_up_to_100() -> None:
    with pytest.raises(ValueError):
        scoring.split_by_percentages(D(100), [D(50), D(40)])


def test_children_add_up_when_sums_match_or_ratios_are_carried_down() -> None:
    assert scoring.children_add_up(D(100), [D(60), D(40)], scoring.SUM, scoring.HIGHER)
    assert not scoring.children_add_up(D(100), [D(60), D(30)], scoring.SUM, scoring.HIGHER)
    assert scoring.children_add_up(D(8), [D(8), D(9)], scoring.AVERAGE, scoring.HIGHER)
    assert not scoring.children_add_up(D(8), [D(7)], scoring.LAST, scoring.HIGHER)
    assert scoring.children_add_up(D(65), [D(60)], scoring.LAST, scoring.LOWER)
    assert scoring.children_add_up(D(1), [], scoring.SUM, scoring.HIGHER)


def test_weights_total_and_display_rounding() -> None:
    assert scoring.weights_total([D(40), D(20), D(40)]) == D(100)
    assert scoring.display(D("89.4666")) == D("89.47")
    assert scoring.display(None) is None
    assert scoring.share_of(D(600), D(30), D(100)) == D("180.0000")
