"""The demo's letters and actuals: signed letters, actuals up to last month, two milestone
completions.

Run by ``seed_demo`` right after ``scorecard.demo.scorecards`` built the scorecards of the
demo year (the year of last month, see ``scorecards_data.demo_period``). For every demo
scorecard of that year the responsibility letter is issued, signed by the unit head (or the
employee) and countersigned by the head one level up — or the demo executive at the top.
Then actuals from January to last month are recorded for every quantitative item: most near
plan, every third item behind plan (so the light board has yellow and red), the months
before last approved and closed by HR, last month submitted and waiting for approval. At
least one milestone due by then is done on time and one late (the scorecard demo may have
recorded them). Nothing is dated after today.

Idempotent: a scorecard that already has a countersigned letter keeps it, actuals are keyed
by (item, month), milestones already completed stay as they are, closed months stay closed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from org.demo import DemoOrg
from org.scoping import SYSTEM
from scorecard.demo.scorecards_data import demo_period
from scorecard.models import (
    ActualStatus,
    ClosedPeriod,
    ItemKind,
    ItemMonthlyPlan,
    Milestone,
    MonthlyActual,
    Polarity,
    Scorecard,
    ScorecardItem,
)
from scorecard.services.letters import (
    default_issuer,
    letter_countersign,
    letter_issue,
    letter_sign,
)
from spm.clock import Clock, FixedClock, clock

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """The demo year up to last month, seen from ``now``."""

    now: datetime.datetime
    year: int
    last_month: int

    @classmethod
    def seen_from(cls, clock: Clock) -> Period:
        year, last_month = demo_period(clock.today())
        return cls(clock.now(), year, last_month)

    @property
    def months(self) -> range:
        """January to last month: the months with actuals."""
        return range(1, self.last_month + 1)

    @property
    def approved_until(self) -> int:
        """The months before last month are reviewed, approved and closed."""
        return self.last_month - 1

    @property
    def signed_on(self) -> datetime.datetime:
        """The demo year's letters were signed at the January kick-off meeting."""
        return datetime.datetime(self.year, 1, 15, 10, 0, tzinfo=datetime.UTC)

    def entered_on(self, month: int) -> datetime.datetime:
        """Actuals are entered on the 5th of the following month (not after now)."""
        after = datetime.date(self.year, month, 28) + datetime.timedelta(days=8)
        entered = datetime.datetime(after.year, after.month, 5, 9, 0, tzinfo=datetime.UTC)
        return min(entered, self.now)


def _scorecards(demo: DemoOrg, period: Period) -> list[Scorecard]:
    units = [unit.pk for unit in demo.units.values()]
    return list(
        Scorecard.objects.filter(year=period.year, unit_id__in=units)
        .select_related("unit__parent__head__user", "unit__head__user", "employee__user")
        .order_by("unit__path", "employee__name", "pk")
    )


def _sign(scorecard: Scorecard, demo: DemoOrg, period: Period) -> str:
    """Issue, sign and countersign the scorecard's letter; return what happened."""
    if scorecard.letters.filter(countersigned_at__isnull=False).exists():
        return "kept"
    issuer = default_issuer(scorecard) or demo.logins["exec"]
    try:
        letter = letter_issue(actor=SYSTEM, scorecard=scorecard, issuer=issuer)
        signed = FixedClock(period.signed_on)
        letter_sign(actor=SYSTEM, letter=letter, clock=signed)
        countersigned = FixedClock(period.signed_on + datetime.timedelta(days=2))
        letter = letter_countersign(actor=SYSTEM, letter=letter, clock=countersigned)
    except ValidationError:
        return "skipped"
    return "signed"


def _factor(position: int, month: int) -> Decimal:
    """How far an item is from plan: every third item lags, the others wobble around it."""
    if position % 3 == 2:
        return Decimal("0.78") + Decimal(month % 3) / 100  # 15-20 % behind: red
    if position % 5 == 4:
        return Decimal("0.90")  # ~10 % behind: yellow
    return Decimal("1.00") + Decimal((position + month) % 5 - 1) / 100


def _plan(item: ScorecardItem, month: int, plans: dict[tuple[int, int], Decimal]) -> Decimal:
    """The month's planned value: the monthly plan if given, else an even share or the
    annual value (for averages and last values)."""
    if (item.pk, month) in plans:
        return plans[(item.pk, month)]
    target = item.target or item.baseline or item.range_high or Decimal("100")
    if item.aggregation == "sum":
        return target / 12
    return target


def _value(item: ScorecardItem, position: int, month: int, plans: dict[Any, Decimal]) -> Decimal:
    if (
        item.polarity == Polarity.RANGE
        and item.range_low is not None
        and item.range_high is not None
    ):
        middle = (item.range_low + item.range_high) / 2
        spread = (item.range_high - item.range_low) / 2
        out = spread * Decimal("1.2") if position % 3 == 2 and month >= 8 else Decimal("0")
        return (middle + out).quantize(CENTS, ROUND_HALF_UP)
    factor = _factor(position, month)
    if item.polarity == Polarity.LOWER:
        factor = 2 - factor  # behind plan means above it
    return (_plan(item, month, plans) * factor).quantize(CENTS, ROUND_HALF_UP)


def _owner(scorecard: Scorecard, demo: DemoOrg) -> Any:
    person = scorecard.employee or scorecard.unit.head or demo.logins["exec"]
    return person.user


def _approver(scorecard: Scorecard, demo: DemoOrg) -> Any:
    issuer = default_issuer(scorecard) or demo.logins["exec"]
    return issuer.user


def _actuals(scorecards: list[Scorecard], demo: DemoOrg, period: Period) -> int:
    items = list(
        ScorecardItem.objects.filter(scorecard__in=scorecards, kind=ItemKind.QUANTITATIVE)
        .select_related("scorecard")
        .order_by("scorecard_id", "order", "pk")
    )
    by_scorecard = {s.pk: s for s in scorecards}
    plans = {
        (p.item_id, p.month): p.value
        for p in ItemMonthlyPlan.objects.filter(item__in=items, month__in=period.months)
    }
    taken = set(MonthlyActual.objects.filter(item__in=items).values_list("item_id", "month"))
    rows: list[MonthlyActual] = []
    for position, item in enumerate(items):
        scorecard = by_scorecard[item.scorecard_id]
        owner, approver = _owner(scorecard, demo), _approver(scorecard, demo)
        for month in period.months:
            if (item.pk, month) in taken:
                continue
            entered = period.entered_on(month)
            approved = month <= period.approved_until
            rows.append(
                MonthlyActual(
                    item=item,
                    month=month,
                    value=_value(item, position, month, plans),
                    note="Monthly report" if position % 4 else "From the finance system",
                    status=ActualStatus.APPROVED if approved else ActualStatus.SUBMITTED,
                    entered_by=owner,
                    entered_at=entered,
                    approved_by=approver if approved else None,
                    approved_at=entered + datetime.timedelta(days=3) if approved else None,
                )
            )
    bulk_create_with_history(rows, MonthlyActual, batch_size=500, default_change_reason="demo")
    return len(rows)


def _close_months(demo: DemoOrg, period: Period) -> None:
    hr = demo.logins["hr"].user
    for month in range(1, period.approved_until + 1):
        ClosedPeriod.objects.get_or_create(
            year=period.year, month=month, defaults={"closed_by": hr}
        )


def _milestones(scorecards: list[Scorecard], period: Period) -> tuple[int, int]:
    """Make sure one milestone due by last month was done on time and one late (20 days, in
    the grace period, if that day has passed); completions already recorded (e.g. by the
    scorecard demo) count. Returns how many are on time and late."""
    today = period.now.date()
    milestones = Milestone.objects.filter(
        item__scorecard__in=scorecards,
        due_date__lte=datetime.date(period.year, period.last_month, 28),
    ).order_by("due_date", "pk")
    done = [m for m in milestones if m.completed_on is not None]
    on_time = sum(1 for m in done if m.completed_on <= m.due_date)
    late = len(done) - on_time
    open_ones = [m for m in milestones if m.completed_on is None]
    for wanted, days in ((on_time == 0, -3), (late == 0, 20)):
        reached = open_ones[0].due_date + datetime.timedelta(days=days) if open_ones else None
        if wanted and reached is not None and reached <= today:
            milestone = open_ones.pop(0)
            milestone.completed_on = reached
            milestone.save(update_fields=["completed_on"])
            on_time, late = (on_time + 1, late) if days < 0 else (on_time, late + 1)
    return on_time, late


@transaction.atomic
def seed(demo: DemoOrg) -> str:
    """Sign the demo year's letters, record actuals up to last month, see to the milestones."""
    period = Period.seen_from(clock())
    scorecards = _scorecards(demo, period)
    outcome: dict[str, int] = {"signed": 0, "kept": 0, "skipped": 0}
    for scorecard in scorecards:
        outcome[_sign(scorecard, demo, period)] += 1
    created = _actuals(scorecards, demo, period)
    _close_months(demo, period)
    on_time, late = _milestones(scorecards, period)
    months = f"{period.year}-01..{period.year}-{period.last_month:02d}"
    return (
        f"{len(scorecards)} scorecards: {outcome['signed']} letters signed, "
        f"{outcome['kept']} kept, {outcome['skipped']} not signable; "
        f"{created} actuals ({months}); milestones done: {on_time} on time, {late} late"
    )
