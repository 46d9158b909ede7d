"""The feedback panel reviews adds to a scorecard item's page (through
:mod:`scorecard.item_panels`): the item's threads and a form to start one, for the item's
owner (the person, or the head of the unit whose scorecard it is) and the managers over
the scorecard's unit — the two sides of item feedback. Others who may read the item (HR,
executives) get no panel: HR is not party to feedback."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from assessment.services.common import covered_by
from org.scoping import actor_of, scope_of
from reviews import people
from reviews.services.common import MANAGERS
from scorecard.item_panels import ItemPanel

SHOWN = 20


def feedback_panel(request: HttpRequest, item: Any) -> ItemPanel | None:
    """The item's feedback threads the reader takes part in, newest first, and the form to
    start one; None for a reader who is neither the owner nor their manager. One query for
    the threads."""
    user = actor_of(request)
    scorecard = item.scorecard
    owner = scorecard.employee_id or scorecard.unit.head_id
    if owner is None:
        return None
    if scope_of(user).employee_id != owner and not covered_by(user, scorecard.unit.path, MANAGERS):
        return None
    threads = (
        people.threads(user)
        .filter(item_id=item.pk)
        .select_related(None)
        .only("subject", "last_message_at")  # what a line shows
        .order_by("-last_message_at", "-pk")
    )
    return ItemPanel(
        "reviews/_item_feedback.html", {"item": item, "threads": list(threads[:SHOWN])}
    )
