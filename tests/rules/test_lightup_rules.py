"""DESIGN §3.7 light-up rules: every colour boundary, forecasts, and monotone properties."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lightup import rules
from lightup.rules import (
    GREEN,
    GREY,
    RED,
    SEVERITY,
    YELLOW,
    MilestoneState,
    PlanToDate,
    Quantitative,
    Thresholds,
    milestone_colour,
    milestone_light,
    quantitative_light,
    series_of,
)

D = Decimal
YEAR = 2026
# Well inside the grace period of June, so a missing June actual is not yet late.
JUNE_5_JULY = datetime.date(YEAR, 7, 5)


def light(
    item: Quantitative,
    actuals: dict[int, Decimal],
    month: int = 6,
    plan: dict[int, Decimal] | None = None,
    today: datetime.date = JUNE_5_JULY,
    thresholds: Thresholds = rules.DEFAULT,
) -> rules.Light:
    planned = sorted(m for m in (plan or {}) if m <= month)
    plan_to_date = PlanToDate(
        total=sum((plan[m] for m in planned), D(0)) if plan and planned else None,
        latest=plan[planned[-1]] if plan and planned else None,
    )
    return quantitative_light(
        item,
        series_of(actuals, month),
        plan_to_date,
        year=YEAR,
        month=month,
        today=today,
        thresholds=thresholds,
    )


def months(total: Decimal, count: int = 6) -> dict[int, Decimal]:
    """``count`` months whose values add up to ``total`` (the last one takes the rest)."""
    share = total / count
    values = dict.fromkeys(range(1, count), share)
    values[count] = total - share * (count - 1)
    return values


SUM_HIGHER = Quantitative(polarity="higher", aggregation="sum", target=D(1200))
SUM_LOWER = Quantitative(polarity="lower", aggregation="sum", target=D(1200))
AVG_HIGHER = Quantitative(polarity="higher", aggregation="average", target=D(50))
AVG_LOWER = Quantitative(polarity="lower", aggregation="average", target=D(5))


# --- Quantitative boundaries -----------------------------------------------------------
# Sums without a monthly plan: plan to date in June = 1200 x 6/12 = 600.
@pytest.mark.parametrize(
    ("actual_to_date", "colour"),
    [
        (D(600), GREEN),
        (D(570), GREEN),  # d = -5 % exactly: still green
        (D("569.99"), YELLOW),  # just below -5 %
        (D(510), YELLOW),  # d = -15 % exactly: still yellow
        (D("509.99"), RED),  # just below -15 %
    ],
)
def test_summed_higher_is_better_item_against_annual_pro_rata(
    actual_to_date: Decimal, colour: str
) -> None:
    result = light(SUM_HIGHER, months(actual_to_date))
    assert result.plan_to_date == D(600)
    assert result.colour == colour


@pytest.mark.parametrize(
    ("actual_to_date", "colour"),
    [(D(630), GREEN), (D("630.01"), YELLOW), (D(690), YELLOW), (D("690.01"), RED)],
)
def test_summed_lower_is_better_item_flips_the_sign(actual_to_date: Decimal, colour: str) -> None:
    result = light(SUM_LOWER, months(actual_to_date))
    assert result.colour == colour
    assert result.deviation == rules.rounded(-(actual_to_date - 600) / 600, 6)


@pytest.mark.parametrize(
    ("actual_to_date", "colour"),
    [(D(380), GREEN), (D("379.99"), YELLOW), (D(340), YELLOW), (D("339.99"), RED)],
)
def test_summed_item_with_a_monthly_plan_uses_the_plan_not_the_pro_rata(
    actual_to_date: Decimal, colour: str
) -> None:
    # The plan is back-loaded: 400 by June instead of the pro-rata 600.
    plan = {m: D(400) / 6 for m in range(1, 6)} | {6: D(400) - D(400) / 6 * 5}
    plan |= {m: D(800) / 6 for m in range(7, 13)}
    result = light(SUM_HIGHER, months(actual_to_date), plan=plan)
    assert result.plan_to_date == D(400)
    assert result.colour == colour


@pytest.mark.parametrize(
    ("monthly_value", "colour"),
    [(D("47.5"), GREEN), (D("47.49"), YELLOW), (D("42.5"), YELLOW), (D("42.49"), RED)],
)
def test_averaged_higher_is_better_item_against_the_annual_value(
    monthly_value: Decimal, colour: str
) -> None:
    result = light(AVG_HIGHER, dict.fromkeys(range(1, 7), monthly_value))
    assert result.plan_to_date == D(50)
    assert result.colour == colour


@pytest.mark.parametrize(
    ("monthly_value", "colour"),
    [(D("5.25"), GREEN), (D("5.26"), YELLOW), (D("5.75"), YELLOW), (D("5.76"), RED)],
)
def test_averaged_lower_is_better_item_flips_the_sign(monthly_value: Decimal, colour: str) -> None:
    assert light(AVG_LOWER, dict.fromkeys(range(1, 7), monthly_value)).colour == colour


def test_issue_example_five_and_a_half_percent_against_five_lower_is_better_is_yellow() -> None:
    result = light(AVG_LOWER, dict.fromkeys(range(1, 7), D("5.5")))
    assert result.deviation == D("-0.1")
    assert result.colour == YELLOW


@pytest.mark.parametrize(
    ("value", "colour"), [(D("9.5"), GREEN), (D("9.49"), YELLOW), (D("8.49"), RED)]
)
def test_averaged_item_with_a_monthly_plan_uses_the_latest_planned_month(
    value: Decimal, colour: str
) -> None:
    plan = {5: D(20), 6: D(10)}  # June's plan replaces the annual 50
    result = light(AVG_HIGHER, dict.fromkeys(range(1, 7), value), plan=plan)
    assert result.plan_to_date == D(10)
    assert result.colour == colour


def test_thresholds_are_configurable() -> None:
    strict = Thresholds(yellow_below=D("-0.01"), red_below=D("-0.02"))
    assert light(SUM_HIGHER, months(D(580)), thresholds=strict).colour == RED
    assert light(SUM_HIGHER, months(D(590)), thresholds=strict).colour == YELLOW
    assert light(SUM_HIGHER, months(D(590))).colour == GREEN


def test_thresholds_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError):
        Thresholds(yellow_below=D("-0.2"), red_below=D("-0.1"))


def test_range_item_is_green_inside_and_red_far_outside() -> None:
    item = Quantitative("range", "average", None, range_low=D(40), range_high=D(60))
    assert light(item, dict.fromkeys(range(1, 7), D(55))).colour == GREEN
    assert light(item, dict.fromkeys(range(1, 7), D(62))).colour == GREEN  # 3.3 % outside
    assert light(item, dict.fromkeys(range(1, 7), D(66))).colour == YELLOW  # 10 % outside
    assert light(item, dict.fromkeys(range(1, 7), D(30))).colour == RED  # 25 % below


# --- Missing data -----------------------------------------------------------------------
def test_missing_month_is_grey_with_a_reminder_ten_days_after_month_end() -> None:
    actuals = months(D(600), 5)  # January to May only
    june_end = datetime.date(YEAR, 6, 30)
    on_day_ten = light(SUM_HIGHER, actuals, today=june_end + datetime.timedelta(days=10))
    assert on_day_ten.colour == GREY
    assert on_day_ten.missing


def test_missing_month_within_the_grace_period_judges_the_latest_reported_month() -> None:
    actuals = months(D(500), 5)  # 500 by May = plan to May
    june_end = datetime.date(YEAR, 6, 30)
    on_day_nine = light(SUM_HIGHER, actuals, today=june_end + datetime.timedelta(days=9))
    assert on_day_nine.colour == GREEN
    assert not on_day_nine.missing
    assert on_day_nine.plan_to_date == D(500)


def test_nothing_reported_yet_is_grey_without_a_reminder_inside_the_grace_period() -> None:
    result = light(SUM_HIGHER, {}, month=1, today=datetime.date(YEAR, 2, 3))
    assert result.colour == GREY
    assert not result.missing


def test_custom_grace_period() -> None:
    actuals = months(D(600), 5)
    today = datetime.date(YEAR, 7, 3)
    assert light(SUM_HIGHER, actuals, today=today).colour == GREEN
    assert light(SUM_HIGHER, actuals, today=today, thresholds=Thresholds(grace_days=3)).missing


# --- Milestones -------------------------------------------------------------------------
AS_OF = datetime.date(YEAR, 6, 30)


@pytest.mark.parametrize(
    ("due", "done", "colour"),
    [
        (AS_OF + datetime.timedelta(days=31), None, GREEN),  # due in more than 30 days
        (AS_OF + datetime.timedelta(days=30), None, YELLOW),  # due within 30 days
        (AS_OF, None, YELLOW),  # due today, not yet overdue
        (AS_OF - datetime.timedelta(days=1), None, RED),  # overdue
        (AS_OF - datetime.timedelta(days=40), AS_OF - datetime.timedelta(days=1), GREEN),
        (AS_OF + datetime.timedelta(days=5), AS_OF, GREEN),  # done early
        (AS_OF - datetime.timedelta(days=1), AS_OF + datetime.timedelta(days=1), RED),
    ],
)
def test_milestone_colours(due: datetime.date, done: datetime.date | None, colour: str) -> None:
    assert milestone_colour(MilestoneState(due, done), AS_OF) == colour


def test_milestone_item_takes_its_worst_milestone_and_grey_when_it_has_none() -> None:
    states = [
        MilestoneState(AS_OF + datetime.timedelta(days=90)),
        MilestoneState(AS_OF + datetime.timedelta(days=10)),
    ]
    assert milestone_light(states, AS_OF).colour == YELLOW
    assert milestone_light([], AS_OF).colour == GREY


# --- Forecast ---------------------------------------------------------------------------
def test_sum_forecast_is_the_run_rate() -> None:
    result = light(SUM_HIGHER, dict.fromkeys(range(1, 7), D(90)))
    assert result.forecast == D(1080)
    assert result.predicted_miss


def test_average_forecast_follows_the_trend() -> None:
    rising = {m: D(40 + m) for m in range(1, 7)}  # 41 … 46, +1 a month
    result = light(AVG_HIGHER, rising)
    # Months 7-12 on the trend: 47 … 52; year average = (41+…+52)/12 = 46.5.
    assert result.forecast == D("46.5")
    assert result.predicted_miss


def test_last_value_forecast_extrapolates_to_december_or_keeps_the_latest() -> None:
    item = Quantitative("lower", "last", D(5))
    falling = {m: D(10 - m) for m in range(1, 7)}
    assert light(item, falling).forecast == D(-2)
    assert not light(item, falling).predicted_miss
    assert light(item, {1: D(7), 2: D(6)}, month=2, today=datetime.date(YEAR, 3, 1)).forecast == 6


# The rule computes exactly and rounds once, half to even: a forecast exactly half-way
# between two stored values goes to the even one (chained divisions, in a 28-digit
# context or in SQL, can leave an exact half a hair above or below it).
@pytest.mark.parametrize(
    ("item", "actuals", "expected"),
    [
        # Run rate 12 x 0.0003 / 8 = 0.00045: half-way, to the even 0.0004.
        (SUM_HIGHER, dict.fromkeys(range(1, 8), D(0)) | {8: D("0.0003")}, D("0.0004")),
        # Trend over seven months: 85.42845 exactly, to the even 85.4284.
        (
            AVG_HIGHER,
            dict(
                enumerate(
                    map(D, "84.4637 85.0478 85.0014 84.3502 85.6854 85.9722 84.9617".split()), 1
                )
            ),
            D("85.4284"),
        ),
        # Trend at December over four months: 0.22875 exactly, to the even 0.2288.
        (
            Quantitative("higher", "last", D(1)),
            {4: D("0.0108"), 5: D("-0.0657"), 6: D("-0.1411"), 7: D("0.1581")},
            D("0.2288"),
        ),
    ],
)
def test_a_forecast_half_way_between_two_stored_values_rounds_once_to_the_even_one(
    item: Quantitative, actuals: dict[int, Decimal], expected: Decimal
) -> None:
    month = max(actuals)
    exact = rules.forecast(series_of(actuals, month), item.aggregation)
    assert exact is not None and (exact * 20_000).denominator == 1  # on the half
    today = datetime.date(YEAR, month, 28)
    assert light(item, actuals, month=month, today=today).forecast == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("0.00005"), 4, D("0.0000")),
        (D("0.00015"), 4, D("0.0002")),
        (D("-0.00015"), 4, D("-0.0002")),
        (D("-0.0000005"), 6, D("0")),
        (D("1.23456749999"), 6, D("1.234567")),
        (D("1.2345675"), 6, D("1.234568")),
    ],
)
def test_rounded_is_half_to_even(value: Decimal, places: int, expected: Decimal) -> None:
    assert rules.rounded(value, places) == expected


@given(
    values=st.dictionaries(
        st.integers(1, 12),
        st.integers(-99_999, 99_999).map(lambda k: D(k).scaleb(-4)),
        min_size=1,
    ),
    aggregation=st.sampled_from(["sum", "average", "last"]),
)
def test_forecast_is_the_least_squares_projection_rounded_once(
    values: dict[int, Decimal], aggregation: str
) -> None:
    """Against the textbook fit (the mean of x and y, not the sums the rule keeps)."""
    from fractions import Fraction

    month = max(values)
    months = sorted(values)
    ys = [Fraction(values[m]) for m in months]
    n = len(months)
    mean_x, mean_y = Fraction(sum(months), n), sum(ys) / n
    sxx = sum((m - mean_x) ** 2 for m in months)
    fit = None
    if n >= rules.TREND_MIN_POINTS and sxx:
        slope = sum((m - mean_x) * (y - mean_y) for m, y in zip(months, ys, strict=True)) / sxx
        fit = lambda m: mean_y + slope * (m - mean_x)  # noqa: E731
    later = range(month + 1, 13)
    if aggregation == "sum":
        expected = sum(ys) / n * 12
    elif aggregation == "average":
        rest = [fit(m) if fit else ys[-1] for m in later]
        expected = (sum(ys) + sum(rest)) / (n + len(rest))
    else:
        expected = fit(12) if fit else ys[-1]
    item = Quantitative("higher", aggregation, D(1))
    today = datetime.date(YEAR, month, 28)
    got = light(item, values, month=month, today=today).forecast
    assert got == rules.rounded(expected, 4)


# --- Objective colours ------------------------------------------------------------------
def test_worst_colour_ignores_grey_unless_nothing_is_coloured() -> None:
    assert rules.worst([GREEN, GREY, YELLOW]) == YELLOW
    assert rules.worst([GREY, GREY]) == GREY
    assert rules.worst([GREEN, RED]) == RED


def test_weighted_colour_rounds_the_weighted_severity() -> None:
    assert rules.weighted([(RED, D(10)), (GREEN, D(90))]) == GREEN
    assert rules.weighted([(RED, D(50)), (GREEN, D(50))]) == YELLOW
    assert rules.weighted([(RED, D(80)), (YELLOW, D(20))]) == RED
    assert rules.weighted([(GREY, D(100))]) == GREY


def test_escalation_after_two_reds() -> None:
    assert not rules.escalates(1)
    assert rules.escalates(2)


# --- Properties -------------------------------------------------------------------------
values = st.decimals(min_value=D(0), max_value=D(10_000), places=2)
items = st.sampled_from([SUM_HIGHER, SUM_LOWER, AVG_HIGHER, AVG_LOWER])


@given(item=items, value=values, worse_by=values, with_plan=st.booleans())
def test_colour_never_improves_as_the_actual_gets_worse(
    item: Quantitative, value: Decimal, worse_by: Decimal, with_plan: bool
) -> None:
    worse = value - worse_by if item.polarity == "higher" else value + worse_by
    plan = dict.fromkeys(range(1, 13), D(77)) if with_plan else None
    better_light = light(item, dict.fromkeys(range(1, 7), value), plan=plan)
    worse_light = light(item, dict.fromkeys(range(1, 7), worse), plan=plan)
    assert SEVERITY[worse_light.colour] >= SEVERITY[better_light.colour]


@given(
    due_offset=st.integers(-400, 400),
    later=st.integers(0, 400),
    done=st.one_of(st.none(), st.integers(-400, 400)),
)
def test_milestone_colour_never_improves_as_time_passes(
    due_offset: int, later: int, done: int | None
) -> None:
    due = AS_OF + datetime.timedelta(days=due_offset)
    completed = AS_OF + datetime.timedelta(days=done) if done is not None else None
    state = MilestoneState(due, completed)
    now = milestone_colour(state, AS_OF)
    then = milestone_colour(state, AS_OF + datetime.timedelta(days=later))
    if completed is None or completed > AS_OF + datetime.timedelta(days=later):
        assert SEVERITY[then] >= SEVERITY[now]
    else:
        assert then == GREEN


@given(item=items, value=values)
def test_deviation_and_colour_agree(item: Quantitative, value: Decimal) -> None:
    result = light(item, dict.fromkeys(range(1, 7), value))
    assert result.colour == rules.colour_of_deviation(result.deviation)
