"""The period of a cycle and the period value and target of a quantitative item (§3.1).

A cycle covers consecutive months of one year: a month (monthly cycle), a half year
(semi-annual, period 1 = January-June, 2 = July-December) or the year (annual).

- **Period value** = the item's monthly actuals inside the period, aggregated the item's
  way (sum, average or last value).
- **Period target** = the item's plan for the period. DESIGN says "the plan to that
  date" (the monthly plan if given, else annual x months/12 for sums, the annual value
  otherwise). For a period that starts in January that is exactly the plan to the
  period's last month. For a period that starts later (July-December, or one month) a
  summed value only holds the period's own months, so the target is the plan to the
  period's end *minus* the plan to the month before it starts: the same rule, applied to
  the same months as the value. Averaged and last-value items take the plan at the
  period's end.

The item's tiers are scaled with its target (``scorecard.rules.scaled``), so baseline and
challenge keep their distance from the target in proportion.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from scorecard.rules.scoring import (
    AVERAGE,
    LAST,
    RANGE,
    SUM,
    Tiers,
    aggregate,
    plan_to_date,
    scaled,
)


class CycleKind(StrEnum):
    MONTHLY = "monthly"
    SEMI_ANNUAL = "semi_annual"
    ANNUAL = "annual"


@dataclass(frozen=True)
class Period:
    """Months ``first_month``..``last_month`` of ``year``."""

    year: int
    first_month: int
    last_month: int

    @classmethod
    def of(cls, kind: str, year: int, number: int = 1) -> Period:
        """The period ``number`` of a cycle of ``kind`` (month 1-12, half 1-2, year 1)."""
        if kind == CycleKind.MONTHLY:
            if not 1 <= number <= 12:
                raise ValueError("a monthly cycle's period is a month, 1-12")
            return cls(year, number, number)
        if kind == CycleKind.SEMI_ANNUAL:
            if number not in (1, 2):
                raise ValueError("a semi-annual cycle's period is 1 or 2")
            return cls(year, 1, 6) if number == 1 else cls(year, 7, 12)
        if kind == CycleKind.ANNUAL:
            return cls(year, 1, 12)
        raise ValueError(f"unknown cycle kind {kind!r}")

    @property
    def months(self) -> range:
        return range(self.first_month, self.last_month + 1)

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @cached_property
    def end(self) -> date:
        """The period's last day (kept: every result and milestone of a cycle asks)."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def whole_year(self) -> bool:
        return self.first_month == 1 and self.last_month == 12


def period_value(
    actuals: Mapping[int, Decimal], aggregation: str, period: Period
) -> Decimal | None:
    """The item's actuals inside the period, aggregated (``None`` when there is none)."""
    first, last = period.first_month, period.last_month
    if actuals and first <= min(actuals) and max(actuals) <= last:
        inside = actuals  # all of them (the computation reads only the period's months)
    else:
        inside = {m: v for m, v in actuals.items() if first <= m <= last}
    return aggregate(inside, aggregation, period.last_month)


def period_target(
    annual: Decimal,
    aggregation: str,
    period: Period,
    monthly_plan: Mapping[int, Decimal] | None = None,
) -> Decimal:
    """The plan for the period (see the module docstring)."""
    if period.whole_year and not monthly_plan:
        return annual
    to_end = plan_to_date(annual, aggregation, period.last_month, monthly_plan)
    if aggregation != SUM or period.first_month == 1:
        return to_end
    before = plan_to_date(annual, aggregation, period.first_month - 1, monthly_plan)
    return to_end - before


def period_tiers(
    tiers: Tiers,
    aggregation: str,
    period: Period,
    monthly_plan: Mapping[int, Decimal] | None = None,
) -> Tiers:
    """The tiers that apply in the period: the annual ones scaled to the period target."""
    if tiers.polarity == RANGE or not tiers.target:
        return tiers
    if not monthly_plan and period.first_month == 1 and period.last_month == 12:
        return tiers  # the whole year without a monthly plan: the target is the annual one
    target = period_target(tiers.target, aggregation, period, monthly_plan)
    if target == tiers.target:
        return tiers
    return scaled(tiers, target / tiers.target)


__all__ = [
    "AVERAGE",
    "LAST",
    "SUM",
    "CycleKind",
    "Period",
    "period_target",
    "period_tiers",
    "period_value",
]
