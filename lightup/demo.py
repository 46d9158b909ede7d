"""The light-up of the demo: every month of the demo year swept, warnings for the latest.

Runs after the scorecard demo recorded its actuals. The year is the demo scorecards'
year as stored (the scorecard demo follows the clock), the months those with actuals.
To show the grey light and its reminder, one unit (the deepest outside the demo
manager's department) has not reported the latest month: its submitted (not yet
approved) actuals of that month are withdrawn before the sweep, as if never entered —
only when the grace period of that month is over, so that the rule, not the seeder,
makes them grey.

E-mails are left to the next mail run (the demo prints none). Earlier months are
computed without notifications (their history is what the light board
and the charts show); the latest month sends its warnings, reminders and escalations.
Idempotent: statuses are upserted and every notification has its unique key.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from lightup import rules
from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from scorecard.models import ActualStatus, MonthlyActual, Scorecard
from spm.clock import clock


def _demo_period(unit_ids: list[int]) -> tuple[int, int] | None:
    found = MonthlyActual.objects.filter(item__scorecard__unit_id__in=unit_ids).aggregate(
        year=Max("item__scorecard__year")
    )
    year = found["year"]
    if year is None:
        return None
    month = MonthlyActual.objects.filter(
        item__scorecard__unit_id__in=unit_ids, item__scorecard__year=year
    ).aggregate(month=Max("month"))["month"]
    return int(year), int(month)


def _late_team(demo: Any, year: int, month: int) -> str:
    """Withdraw the latest month's unapproved actuals of one team's employees."""
    today = clock().today()
    if not rules.is_overdue_report(year, month, today):
        return "no late team (grace period still running)"
    demo_units = [unit.pk for unit in demo.units.values()]
    cards = Scorecard.objects.filter(year=year, unit_id__in=demo_units)
    # The deepest unit outside the demo manager's department (whose red items are to
    # escalate to the manager, not go grey).
    manager = demo.logins.get("manager")
    if manager is not None:
        cards = cards.exclude(unit__path__startswith=manager.unit.path)
    unit_id = (
        cards.order_by("-unit__depth", "-unit__path").values_list("unit_id", flat=True).first()
    )
    if unit_id is None:
        return "no scorecards outside the manager's department"
    late = MonthlyActual.objects.filter(
        item__scorecard__in=cards.filter(unit_id=unit_id),
        month=month,
        status=ActualStatus.SUBMITTED,
    )
    withdrawn = 0
    for actual in late:  # one by one, so the history records each withdrawal
        actual._change_reason = "demo: not reported yet"
        actual.delete()
        withdrawn += 1
    return f"{withdrawn} actuals of unit {unit_id} not reported"


def seed(demo: Any) -> str:
    unit_ids = [unit.pk for unit in demo.units.values()]
    period = _demo_period(unit_ids)
    if period is None:
        return "no actuals to light up"
    year, last = period
    late = _late_team(demo, year, last)
    today = clock().today()
    colours: dict[str, int] = {}
    messages = 0
    for month in range(1, last + 1):
        result = lightup_sweep(
            actor=SYSTEM, year=year, month=month, today=today, notify=month == last, email=False
        )
        colours, messages = result.colours, messages + result.messages
    summary = ", ".join(f"{n} {colour}" for colour, n in colours.items())
    return f"{year} months 1-{last} lit up ({summary} in month {last}); {messages} messages; {late}"
