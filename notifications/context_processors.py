"""The unread count shown in the navigation: one indexed COUNT per page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    # Lazy: a page (or fragment) that does not show the badge does not pay the query.
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.restrict(user).unread().count()
        )
    }
