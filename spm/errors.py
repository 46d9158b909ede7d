"""Errors that services raise and every front end (page, form, API) understands.

A service refuses bad input with Django's ``ValidationError`` (a 400 in the API, field
errors on a form). A write that lost to a newer state — a stale edit, a locked record, a
lost race for the same row — raises :class:`Conflict`, which the API answers with 409 and
the stored value, and a form shows beside what the user typed.
"""

from __future__ import annotations

from collections.abc import Iterable
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


class NotPermitted(ValidationError):
    """The actor sees the row, but this change is not theirs to make (the person assessed
    acknowledges their own result; a decision is an approver's). The API answers 403 —
    never for a row the actor cannot see, which stays a 404 — and a form shows the message.
    """

    def __init__(self, message: Any, *, code: str = "permission_denied") -> None:
        super().__init__(message, code=code)


def public_fields(row: Any, names: Iterable[str]) -> dict[str, Any] | None:
    """The named fields of a stored row as JSON values, for :meth:`Conflict.current_data`.

    A foreign key gives its id, a decimal its exact text, a date or time its ISO form.
    """
    if row is None:
        return None
    data: dict[str, Any] = {}
    for name in names:
        value = getattr(row, row._meta.get_field(name).attname)
        if value is None or isinstance(value, bool | int | str):
            data[name] = value
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(value) if value else None
    return data
