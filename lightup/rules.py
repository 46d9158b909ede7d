"""Light-up rules of DESIGN §3.7 as pure functions over Decimals and dates.

    Plan to date: the monthly plan if given, else annual x m/12 for sums, the annual value
    otherwise. Deviation d = (actual to date - plan to date)/|plan to date|, sign flipped
    for lower-is-better. Green d ≥ -5 %; yellow -15 % ≤ d < -5 %; red d < -15 %.
    Milestones: green when done or due in more than 30 days; yellow when due within 30 days
    and not done; red when overdue. Grey when the month's actual is missing 10 days after
    month end (with a reminder). A forecast projects the year-end value and flags a
    predicted miss. An item red for two months running escalates to the head of the parent
    unit.

No ORM in here: the monthly sweep aggregates actuals in the database into a
:class:`Series` per item and hands plain values to :func:`quantitative_light` and
:func:`milestone_light`; pages and tests call the same functions. Every threshold is a
field of :class:`Thresholds`, configurable per scheme and overridable per item.

Rounding happens once, at the end (DESIGN §2): plan, actual and forecast to date, and the
deviation, are computed exactly (as :class:`~fractions.Fraction`, whatever the Decimal
context) and judged exactly; :func:`quantitative_light` rounds what it returns once, half
to even, to the places the light is stored with (:data:`DEVIATION_PLACES`,
:data:`VALUE_PLACES`). ``lightup/sweep_sql.py`` writes the same in SQL (one division per
stored number), so both give identical rows.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scorecard.rules.scoring import AVERAGE, HIGHER, LOWER, RANGE, SUM, ZERO

GREEN = "green"
YELLOW = "yellow"
RED = "red"
GREY = "grey"
COLOURS = (GREEN, YELLOW, RED, GREY)
# How bad a reading is, for "worst colour wins". Grey is no reading at all: any colour
# beats it (as in :func:`strategy.rules.combine_statuses`).
SEVERITY = {GREY: -1, GREEN: 0, YELLOW: 1, RED: 2}

# The trend (least squares) needs a few points before it is more than noise.
TREND_MIN_POINTS = 3
# Decimal places of a stored light: the deviation, and plan, actual and forecast to date.
DEVIATION_PLACES = 6
VALUE_PLACES = 4

Number = Decimal | Fraction


def rounded(value: Number, places: int) -> Decimal:
    """``value`` rounded half to even to ``places`` decimals, exactly: the one rounding."""
    return Decimal(round(Fraction(value) * 10**places)).scaleb(-places)


def _maybe_rounded(value: Number | None, places: int) -> Decimal | None:
    return None if value is None else rounded(value, places)


@dataclass(frozen=True)
class Thresholds:
    """The §3.7 defaults; a scheme or an item may change any of them."""

    yellow_below: Decimal = Decimal("-0.05")  # d below this is at least yellow
    red_below: Decimal = Decimal("-0.15")  # d below this is red
    milestone_warning_days: int = 30  # due within this many days and not done: yellow
    grace_days: int = 10  # the month's actual is late (grey) this many days after month end
    escalate_after_reds: int = 2  # red months in a row that escalate to the parent's head

    def __post_init__(self) -> None:
        if not self.red_below <= self.yellow_below <= ZERO:
            raise ValueError("Thresholds must satisfy red_below <= yellow_below <= 0.")
        if self.milestone_warning_days < 0 or self.grace_days < 0:
            raise ValueError("Day thresholds cannot be negative.")
        if self.escalate_after_reds < 1:
            raise ValueError("Escalation needs at least one red month.")


DEFAULT = Thresholds()


@dataclass(frozen=True)
class Series:
    """Monthly values of one item up to the month looked at, summarised.

    The sweep computes these sums in the database (one grouped query per chunk), so no
    item's twelve rows travel to Python; :func:`series_of` builds the same from a mapping.
    """

    count: int = 0
    total: Decimal = ZERO
    last_month: int | None = None
    last_value: Decimal | None = None
    sum_x: Decimal = ZERO  # Σ month
    sum_xx: Decimal = ZERO  # Σ month²
    sum_xy: Decimal = ZERO  # Σ month x value

    def value_to_date(self, aggregation: str) -> Fraction | None:
        """Sum, average or last value of the months so far, exact (``None`` before any)."""
        if not self.count or self.last_value is None:
            return None
        if aggregation == SUM:
            return Fraction(self.total)
        if aggregation == AVERAGE:
            return Fraction(self.total) / self.count
        return Fraction(self.last_value)


def series_of(values: Mapping[int, Decimal], through_month: int = 12) -> Series:
    """The :class:`Series` of the months ``<= through_month`` of ``values``."""
    months = sorted(m for m in values if m <= through_month)
    if not months:
        return Series()
    return Series(
        count=len(months),
        total=sum((values[m] for m in months), ZERO),
        last_month=months[-1],
        last_value=values[months[-1]],
        sum_x=Decimal(sum(months)),
        sum_xx=Decimal(sum(m * m for m in months)),
        sum_xy=sum((m * values[m] for m in months), ZERO),
    )


@dataclass(frozen=True)
class PlanToDate:
    """What the sweep knows about an item's monthly plan up to the month looked at."""

    total: Decimal | None = None  # sum of the planned months so far (None: no plan rows)
    latest: Decimal | None = None  # the value of the latest planned month so far


def plan_to_date(annual: Decimal, aggregation: str, month: int, plan: PlanToDate) -> Fraction:
    """§3.7: the monthly plan if given, else annual x m/12 for sums, else the annual value
    (exact)."""
    if aggregation == SUM:
        return Fraction(plan.total) if plan.total is not None else Fraction(annual) * month / 12
    return Fraction(plan.latest if plan.latest is not None else annual)


def deviation(actual: Number, plan: Number, polarity: str) -> Fraction | None:
    """(actual - plan)/|plan|, sign flipped for lower-is-better, exact; ``None`` for a zero
    plan."""
    if plan == 0:
        return None
    d = (Fraction(actual) - Fraction(plan)) / abs(Fraction(plan))
    return -d if polarity == LOWER else d


def range_deviation(actual: Number, low: Number, high: Number) -> Fraction | None:
    """For within-a-range items: 0 inside the range, else how far outside, as a negative
    share of the nearer bound (outside by 10 % of the bound reads like 10 % behind plan)."""
    actual, low, high = Fraction(actual), Fraction(low), Fraction(high)
    if low <= actual <= high:
        return Fraction(0)
    bound = low if actual < low else high
    if bound == 0:
        return None
    return -abs(actual - bound) / abs(bound)


def colour_of_deviation(d: Number | None, thresholds: Thresholds = DEFAULT) -> str:
    """Green d ≥ -5 %; yellow -15 % ≤ d < -5 %; red d < -15 % (with default thresholds).

    A deviation that cannot be computed (plan of zero) reads green only when nothing says
    otherwise: callers pass ``None`` solely when actual and plan are both zero.
    """
    if d is None or Fraction(d) >= Fraction(thresholds.yellow_below):
        return GREEN
    if Fraction(d) >= Fraction(thresholds.red_below):
        return YELLOW
    return RED


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def is_overdue_report(
    year: int, month: int, today: datetime.date, thresholds: Thresholds = DEFAULT
) -> bool:
    """Whether the month's actual is late: ``grace_days`` have passed since month end."""
    return today >= month_end(year, month) + datetime.timedelta(days=thresholds.grace_days)


def forecast(series: Series, aggregation: str) -> Fraction | None:
    """The year-end value projected from the months so far, exact.

    Sums: run rate, total / months reported x 12. Averages: the months reported plus the
    remaining months projected on the trend (least squares, with at least three points;
    else the latest value). Last values: the trend at December, else the latest value.
    """
    if not series.count or series.last_month is None or series.last_value is None:
        return None
    total, latest = Fraction(series.total), Fraction(series.last_value)
    if aggregation == SUM:
        return total / series.count * 12
    slope, intercept = _trend(series)
    if aggregation == AVERAGE:
        remaining = list(range(series.last_month + 1, 13))
        if slope is None or intercept is None:
            projected = latest * len(remaining)
        else:
            projected = sum((intercept + slope * m for m in remaining), Fraction(0))
        return (total + projected) / (series.count + len(remaining))
    if slope is None or intercept is None:
        return latest
    return intercept + slope * 12


def _trend(series: Series) -> tuple[Fraction | None, Fraction | None]:
    n = series.count
    if n < TREND_MIN_POINTS:
        return None, None
    sum_x, sum_xx = Fraction(series.sum_x), Fraction(series.sum_xx)
    total, sum_xy = Fraction(series.total), Fraction(series.sum_xy)
    denominator = n * sum_xx - sum_x * sum_x
    if denominator == 0:
        return None, None
    slope = (n * sum_xy - sum_x * total) / denominator
    intercept = (total - slope * sum_x) / n
    return slope, intercept


def predicted_miss(
    projected: Number | None,
    *,
    polarity: str,
    target: Decimal | None,
    range_low: Decimal | None = None,
    range_high: Decimal | None = None,
) -> bool:
    """Whether the year-end forecast falls short of the annual target (or leaves the range)."""
    if projected is None:
        return False
    projected = Fraction(projected)
    if polarity == RANGE:
        if range_low is None or range_high is None:
            return False
        return not Fraction(range_low) <= projected <= Fraction(range_high)
    if target is None:
        return False
    goal = Fraction(target)
    return projected > goal if polarity == LOWER else projected < goal


@dataclass(frozen=True)
class Light:
    """An item's light for one month, as the sweep stores it and the board shows it: its
    numbers rounded once, half to even, to the places they are stored with."""

    colour: str
    deviation: Decimal | None = None
    plan_to_date: Decimal | None = None
    actual_to_date: Decimal | None = None
    forecast: Decimal | None = None
    predicted_miss: bool = False
    missing: bool = False  # grey because the month's actual is late: remind the owner


@dataclass(frozen=True)
class Quantitative:
    """A quantitative item's targets, as plain values."""

    polarity: str
    aggregation: str
    target: Decimal | None
    range_low: Decimal | None = None
    range_high: Decimal | None = None


def quantitative_light(
    item: Quantitative,
    series: Series,
    plan: PlanToDate,
    *,
    year: int,
    month: int,
    today: datetime.date,
    thresholds: Thresholds = DEFAULT,
) -> Light:
    """The light of a quantitative item for ``month`` from its actuals up to that month.

    If the month's actual is missing ``grace_days`` after month end the item is grey
    (``missing``: remind the owner). Before that, the latest month reported is judged
    (a late report does not turn an item red); with nothing reported yet it is grey.
    """
    reported = series.last_month == month
    if not reported and is_overdue_report(year, month, today, thresholds):
        return Light(GREY, missing=True)
    if not series.count or series.last_month is None:
        return Light(GREY)
    through = series.last_month
    actual = series.value_to_date(item.aggregation)
    assert actual is not None
    projected = forecast(series, item.aggregation)
    miss = predicted_miss(
        projected,
        polarity=item.polarity,
        target=item.target,
        range_low=item.range_low,
        range_high=item.range_high,
    )
    actual_out = rounded(actual, VALUE_PLACES)
    forecast_out = _maybe_rounded(projected, VALUE_PLACES)
    d: Fraction | None
    if item.polarity == RANGE and item.range_low is not None and item.range_high is not None:
        low, high = Fraction(item.range_low), Fraction(item.range_high)
        if item.aggregation == SUM:
            low, high = low * through / 12, high * through / 12
        d = range_deviation(actual, low, high)
        return Light(
            colour_of_deviation(d, thresholds),
            _maybe_rounded(d, DEVIATION_PLACES),
            None,
            actual_out,
            forecast_out,
            miss,
        )
    if item.target is None:
        return Light(GREY, actual_to_date=actual_out, forecast=forecast_out)
    planned = plan_to_date(item.target, item.aggregation, through, plan)
    d = deviation(actual, planned, item.polarity)
    if d is None and actual != 0:
        # Plan of zero: any amount is ahead for higher-is-better, behind for lower.
        d = Fraction(0) if item.polarity == HIGHER else Fraction(thresholds.red_below) - 1
    return Light(
        colour_of_deviation(d, thresholds),
        _maybe_rounded(d, DEVIATION_PLACES),
        rounded(planned, VALUE_PLACES),
        actual_out,
        forecast_out,
        miss,
    )


@dataclass(frozen=True)
class MilestoneState:
    due_date: datetime.date
    completed_on: datetime.date | None = None


def milestone_colour(
    milestone: MilestoneState, as_of: datetime.date, thresholds: Thresholds = DEFAULT
) -> str:
    """Green when done or due in more than 30 days; yellow when due within 30 days and not
    done; red when overdue (due before ``as_of`` and not done by then)."""
    if milestone.completed_on is not None and milestone.completed_on <= as_of:
        return GREEN
    days_left = (milestone.due_date - as_of).days
    if days_left < 0:
        return RED
    if days_left <= thresholds.milestone_warning_days:
        return YELLOW
    return GREEN


def milestone_light(
    milestones: Sequence[MilestoneState], as_of: datetime.date, thresholds: Thresholds = DEFAULT
) -> Light:
    """A milestone item's light: its worst milestone; grey with no milestones at all."""
    if not milestones:
        return Light(GREY)
    return Light(worst(milestone_colour(m, as_of, thresholds) for m in milestones))


def as_of_date(year: int, month: int, today: datetime.date) -> datetime.date:
    """The day a month is judged at: its last day, or today while the month is running."""
    return min(month_end(year, month), max(today, datetime.date(year, month, 1)))


def worst(colours: Iterable[str]) -> str:
    """The worst reading among ``colours``; grey only when none is coloured."""
    found = GREY
    for colour in colours:
        if SEVERITY[colour] > SEVERITY[found]:
            found = colour
    return found


def weighted(colours: Iterable[tuple[str, Decimal]]) -> str:
    """A weighted colour: the weighted mean severity of the coloured (non-grey) readings,
    rounded to the nearest colour; grey when nothing is coloured."""
    total = ZERO
    score = ZERO
    for colour, weight in colours:
        if colour == GREY or weight <= ZERO:
            continue
        total += weight
        score += weight * SEVERITY[colour]
    if total == ZERO:
        return GREY
    mean = score / total
    return RED if mean >= Decimal("1.5") else YELLOW if mean >= Decimal("0.5") else GREEN


def escalates(red_streak: int, thresholds: Thresholds = DEFAULT) -> bool:
    """Whether an item red for ``red_streak`` months running escalates this month."""
    return red_streak >= thresholds.escalate_after_reds
