"""Assessment pages, split by concept: cycles (HR), results, calibration."""

from __future__ import annotations

from typing import Any, cast

from org.scoping import Actor


def actor_of(request: Any) -> Actor:
    """The signed-in user of a page behind ``login_required``."""
    return cast(Actor, request.user)
