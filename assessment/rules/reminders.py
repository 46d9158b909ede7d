"""When a cycle step's deadline calls for a reminder (DESIGN §2 step 8: deadlines and
reminders), as a pure function of the deadline and the day.

- ``due_soon``: from ``lead_days`` days before the deadline through the deadline itself;
- ``overdue``: any day after the deadline;
- nothing before the window, or without a deadline.

Each stage is sent at most once per person and step (the notification's dedupe key), so a
daily run may call this every day.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

LEAD_DAYS = 3


class ReminderStage(StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def reminder_stage(
    due: date | None, today: date, lead_days: int = LEAD_DAYS
) -> ReminderStage | None:
    """The reminder ``today`` calls for against the deadline ``due`` (see the docstring)."""
    if due is None:
        return None
    if today > due:
        return ReminderStage.OVERDUE
    if today >= due - timedelta(days=lead_days):
        return ReminderStage.DUE_SOON
    return None
