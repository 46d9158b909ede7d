"""The pages and list endpoints of ``org``, ``strategy``, ``scorecard``, ``lightup`` and
``notifications`` (and the home page) for :mod:`benchmarks.run`'s table.

Every page a person reads by GET (forms that only edit, file exports and job pages aside)
and every list endpoint of the API routes of these apps, from their URLconfs. A page that
needs an object names it in braces: ``{unit}``, ``{card}``, ``{item}`` and ``{person}`` come
from :func:`benchmarks.run.cast`, the others from :func:`prepare`.
"""

from __future__ import annotations

from typing import Any

PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    # org
    ("org tree", "/org/"),
    ("unit page", "/org/units/{unit}/"),
    ("unit children", "/org/units/{group}/children/"),
    ("directory", "/org/people/"),
    ("directory by line manager", "/org/people/?sort=line_manager"),
    ("person page", "/org/people/{person}/"),
    # strategy
    ("strategy home", "/strategy/"),
    ("plans", "/strategy/plans/"),
    ("plan page", "/strategy/plans/{plan}/"),
    ("strategy map", "/strategy/plans/{plan}/map/"),
    ("objective page", "/strategy/objectives/{objective}/"),
    # scorecard
    ("my targets", "/scorecards/my/"),
    ("scorecard list", "/scorecards/"),
    ("unit scorecard", "/scorecards/units/{unit}/"),
    ("scorecard page", "/scorecards/{card}/"),
    ("item page", "/scorecards/items/{item}/"),
    ("alignment", "/scorecards/alignment/"),
    ("indicators", "/scorecards/indicators/"),
    ("indicator page", "/scorecards/indicators/{indicator}/"),
    ("letters", "/scorecards/letters/"),
    ("letter page", "/scorecards/letters/{letter}/"),
    ("scorecard letters", "/scorecards/{card}/letters/"),
    ("actuals list", "/scorecards/actuals/"),
    # Sorted by columns no index reads: sorted under 10,000 rows, else the default order.
    ("actuals list by actual", "/scorecards/actuals/?sort=-value"),
    ("actuals list by item", "/scorecards/actuals/?sort=item"),
    ("actual approvals", "/scorecards/actuals/approvals/"),
    ("closed periods", "/scorecards/actuals/periods/"),
    ("actual history", "/scorecards/actuals/items/{item}/history/"),
    # lightup
    ("light board", "/lightup/"),
    ("light board list", "/lightup/?view=list"),
    ("light board red", "/lightup/?view=list&colour=red"),
    ("item lights", "/lightup/items/{item}/"),
    # notifications
    ("inbox", "/inbox/"),
    ("inbox unread", "/inbox/?unread=1"),
    ("notification settings", "/inbox/preferences/"),
    # API list endpoints
    ("API org-units", "/api/v1/org-units/"),
    ("API employees", "/api/v1/employees/"),
    ("API me", "/api/v1/me/"),
    ("API strategic-plans", "/api/v1/strategic-plans/"),
    ("API perspectives", "/api/v1/perspectives/"),
    ("API strategic-themes", "/api/v1/strategic-themes/"),
    ("API strategies", "/api/v1/strategies/"),
    ("API objectives", "/api/v1/objectives/"),
    ("API cause-effect-links", "/api/v1/cause-effect-links/"),
    ("API plan map", "/api/v1/strategic-plans/{plan}/map/"),
    ("API indicators", "/api/v1/indicators/"),
    ("API scorecards", "/api/v1/scorecards/"),
    ("API scorecard-items", "/api/v1/scorecard-items/"),
    ("API milestones", "/api/v1/milestones/"),
    ("API my-targets", "/api/v1/my-targets/"),
    ("API alignment", "/api/v1/alignment/"),
    ("API letters", "/api/v1/letters/"),
    ("API actuals", "/api/v1/actuals/"),
    # Over 10,000 rows a 400 that says to filter first; a team's own list is ordered.
    ("API actuals by month", "/api/v1/actuals/?ordering=-month"),
    ("API closed-periods", "/api/v1/closed-periods/"),
    ("API light-statuses", "/api/v1/light-statuses/"),
    ("API light month", "/api/v1/light-statuses/?year={year}&month={month}"),
    ("API light forecasts", "/api/v1/light-statuses/forecasts/"),
    ("API notifications", "/api/v1/notifications/"),
    ("API saved-filters", "/api/v1/saved-filters/"),
]

# Each of the four people's inbox holds this many messages (a year of a busy manager's
# light-up warnings), so the inbox pages page and count something.
INBOX = 600


def _light_month() -> tuple[int, int]:
    """The latest swept month; when the database has no lights yet, sweep the last closed
    month once (as ``benchmarks.bench_lightup`` calls the sweep), so the board has a month."""
    from lightup.providers import latest_month
    from lightup.services import lightup_sweep
    from org.scoping import SYSTEM
    from spm.clock import clock, previous_month

    found = latest_month()
    if found is not None:
        return found
    today = clock().today()
    year, month = previous_month(today)
    lightup_sweep(actor=SYSTEM, year=year, month=month, today=today, notify=False, email=False)
    return year, month


def _inbox(people: dict[str, Any], period: tuple[int, int]) -> None:
    """``INBOX`` light-up warnings in each person's inbox (once: the dedupe key decides)."""
    from lightup.notify import WARNING
    from notifications.services import Message, notifications_send

    year, month = period
    messages = [
        Message(
            recipient_id=person.user_id,
            kind=WARNING,
            params={
                "item": f"Item {n}",
                "owner": person.name,
                "colour": "red" if n % 3 else "yellow",
                "year": year,
                "month": month,
                "deviation": f"-{n % 40}.0",
            },
            link=f"/lightup/?view=list&page={n % 7 + 1}",
            dedupe_key=f"bench-{n}",
        )
        for person in people.values()
        for n in range(INBOX)
    ]
    notifications_send(messages=messages, email=False)


def _letter(card_id: int) -> int | None:
    """A letter of the employee's scorecard, issued by the system once if it has none; None
    when the scorecard cannot be issued (its weights do not add up, say)."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from org.scoping import SYSTEM
    from org.versions import WrongState
    from scorecard.models import ResponsibilityLetter, Scorecard
    from scorecard.services.letters import letter_issue

    found = ResponsibilityLetter.objects.filter(scorecard_id=card_id).order_by("pk").first()
    if found is None:
        try:
            found = letter_issue(actor=SYSTEM, scorecard=Scorecard.objects.get(pk=card_id))
        except (ValidationError, PermissionDenied, WrongState):
            return None
    return found.pk


def prepare() -> dict[str, int]:
    """The ids of the objects the pages need, beyond :func:`benchmarks.run.cast`'s; creates
    once, in the kept database, a light-up month, the four people's inboxes and a letter."""
    from benchmarks.run import PREFIX, cast
    from org.models import OrgUnit
    from scorecard.models import Indicator
    from strategy.models import StrategicPlan

    people, ids = cast(PREFIX)
    year, month = _light_month()
    _inbox(people, (year, month))
    plan = StrategicPlan.objects.filter(status="approved").order_by("-version", "pk").first()
    assert plan is not None, "the group has no approved strategic plan"
    objective = plan.objectives.order_by("code").first()
    assert objective is not None
    indicator = Indicator.objects.order_by("pk").first()
    assert indicator is not None
    found = {
        "group": OrgUnit.objects.get(code=f"{PREFIX}-GRP").pk,
        "plan": plan.pk,
        "objective": objective.pk,
        "indicator": indicator.pk,
        "year": year,
        "month": month,
    }
    letter = _letter(ids["card"])
    if letter is not None:
        found["letter"] = letter
    return found
