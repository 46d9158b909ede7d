"""Errors that services raise and every front end (page, form, API) understands.

A service refuses bad input with Django's ``ValidationError`` (a 400 in the API, field
errors on a form). A write that lost to a newer state — a stale edit, a locked record, a
lost race for the same row — raises :class:`Conflict`, which the API answers with 409 and
the stored value, and a form shows beside what the user typed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class Conflict(ValidationError):
    """The write was refused because the stored state moved on; nothing was saved.

    ``code`` names the kind (``stale``, ``locked``, ``taken`` …); ``current`` is the stored
    object, if any, and :meth:`current_data` its public form for the API answer.
    """

    default_code = "conflict"

    def __init__(self, message: Any, *, code: str | None = None, current: Any = None) -> None:
        super().__init__(message, code=code or self.default_code)
        self.current = current

    def current_data(self) -> Any:
        """What the client should see of the stored object (subclasses say which fields)."""
        return None
