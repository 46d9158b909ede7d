"""Compare-and-set on ``version``: the rule every app's edits share, and its use for the
edits of the organisation.

A person's edit names the version it was based on (:func:`require_version`: without it, a
400 ``{"version": …}`` in the API and a form error on the page; only a ``SystemActor`` may
skip it); the service locks the row and compares (:func:`refuse_stale`: a stale one is a
:class:`StaleRecord`, 409). Creates have no prior version and are exempt.

Two HR users who open the same unit or person and both save would otherwise overwrite each
other silently. Each edit sends the version its editor opened; the service locks the row,
compares, and either moves the version on by one or refuses with :class:`StaleOrgEdit`
(409 in the API, a form message on the page beside what the user typed). A role grant or
revoke is an edit of the person: it moves the person's version on too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from org.scoping import Actor, SystemActor
from spm.errors import Conflict, public_fields


def require_version(actor: Actor, expected_version: int | None) -> None:
    """A person's edit names the version it was based on; only a system job may skip the
    compare-and-set. Without it an edit would silently overwrite a save it never saw."""
    if expected_version is None and not isinstance(actor, SystemActor):
        raise ValidationError(
            {"version": _("Send the version you opened; nothing was saved without it.")}
        )


class StaleRecord(Conflict):
    """The record changed since the editor opened it; nothing was saved (409, with the
    stored row as ``current``: the API answers its version, to edit from)."""

    default_code = "stale"

    def current_data(self) -> dict[str, Any] | None:
        version = getattr(self.current, "version", None)
        return None if version is None else {"version": version}


class WrongState(StaleRecord):
    """The record is not in the state the step needs (already acknowledged, not published
    yet, the step is over …): it moved on, or not yet to, where the editor thought; nothing
    was saved (409, with the stored row's version and status as ``current``). A refusal
    because of the input is a ``ValidationError`` (400), because of who acts a
    ``NotPermitted`` (403)."""

    default_code = "state"

    def current_data(self) -> dict[str, Any] | None:
        data = super().current_data() or {}
        status = getattr(self.current, "status", None)
        if status is not None:
            data["status"] = status
        return data or None


def refuse_stale(
    stored: Any,
    expected_version: int | None,
    *,
    message: Any = None,
    stale: Callable[[], StaleRecord] | None = None,
) -> None:
    """The compare of compare-and-set: refuse with :class:`StaleRecord` when ``stored`` (the
    row as locked now) moved on from ``expected_version``, the version its editor opened.

    Call :func:`require_version` first: ``None`` passes here only because nothing but a
    system job may send it. ``message`` replaces the generic one where the page can say
    more (the step a cycle is at); ``stale`` makes a subclass that says which fields go
    back with the 409."""
    if expected_version is None or stored.version == expected_version:
        return
    if stale is not None:
        raise stale()
    raise StaleRecord(
        message
        or _(
            "This record was changed by someone else since you opened it. Nothing was "
            "saved: look at the current values and try again."
        ),
        current=stored,
    )


Row = TypeVar("Row", bound=models.Model)


def claim_or_new(actor: Actor, found: models.QuerySet[Row], new: Row, version: int | None) -> Row:
    """The row an upsert writes (a grade, an anchor, a rating, a reviewer asked …):
    ``new`` when ``found`` (lock it: ``select_for_update``) holds none — a create has no
    prior version — else the stored row, compared with the ``version`` its editor opened
    and moved on by one (the caller saves it)."""
    row = found.first()
    if row is None:
        return new
    require_version(actor, version)
    refuse_stale(row, version)
    row.version += 1  # type: ignore[attr-defined]
    return row


class StaleOrgEdit(StaleRecord):
    """The unit or person changed since the editor opened it; ``current`` is what is
    stored now (its public fields and version go back with the 409)."""

    def __init__(self, current: models.Model, fields: tuple[str, ...]) -> None:
        super().__init__(
            _(
                "Someone else changed this record since you opened it (now version "
                "%(version)d). Your entries are kept below: check them against the "
                "current record and save again to replace it."
            )
            % {"version": current.version},  # type: ignore[attr-defined]
            current=current,
        )
        self.fields = fields

    def current_data(self) -> dict[str, Any] | None:
        return public_fields(self.current, (*self.fields, "version"))


def claim_version(
    actor: Actor, row: models.Model, expected_version: int | None, fields: tuple[str, ...]
) -> Any:
    """Lock ``row``'s stored copy, refuse if its version is not ``expected_version``
    (``None``: a system job, no check), and return it with the version moved on by one
    (the caller saves it). Call inside the service's transaction."""
    require_version(actor, expected_version)
    stored: Any = type(row)._default_manager.select_for_update().get(pk=row.pk)
    refuse_stale(stored, expected_version, stale=lambda: StaleOrgEdit(stored, fields))
    stored.version += 1
    return stored
