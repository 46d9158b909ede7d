"""Time as an input: the one place SPM asks what day it is.

No other module reads the date on its own (``date.today()``, ``timezone.now()``,
``timezone.localdate()``; a test enforces it). Code that needs "today" takes a
:class:`Clock` — services as a keyword argument, views from :func:`clock` — so the demo is
alive in any month and the tests pass on any date.

``SPM_TODAY`` (``YYYY-MM-DD``) pins the default clock to a day, for demos, the tests'
date matrix and reproducing a user's report; unset, the clock follows the real time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils import timezone


class Clock(Protocol):
    """Tells the current moment and day."""

    def now(self) -> dt.datetime: ...

    def today(self) -> dt.date: ...


class SystemClock:
    """The real time, in the project's time zone."""

    def now(self) -> dt.datetime:
        return timezone.now()

    def today(self) -> dt.date:
        return timezone.localdate()


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one moment (tests, demos, ``SPM_TODAY``)."""

    at: dt.datetime

    @classmethod
    def on(cls, day: dt.date, hour: int = 12) -> FixedClock:
        """Noon of ``day`` in the project's time zone."""
        naive = dt.datetime.combine(day, dt.time(hour))
        return cls(timezone.make_aware(naive, timezone.get_default_timezone()))

    def now(self) -> dt.datetime:
        return self.at

    def today(self) -> dt.date:
        return timezone.localdate(self.at)


def clock() -> Clock:
    """The configured clock: pinned by the ``SPM_TODAY`` setting, else the real time."""
    pinned: dt.date | None = getattr(settings, "SPM_TODAY", None)
    if pinned is not None:
        return FixedClock.on(pinned)
    return SystemClock()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> tuple[int, int]:
    """(year, month) of the month before ``day``'s month."""
    first = month_start(day) - dt.timedelta(days=1)
    return first.year, first.month
