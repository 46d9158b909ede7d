"""Compare-and-set on ``version`` for edits of the organisation (and the rule every app's
edits share: a person's edit names the version it was based on).

Two HR users who open the same unit or person and both save would otherwise overwrite each
other silently. Each edit sends the version its editor opened; the service locks the row,
compares, and either moves the version on by one or refuses with :class:`StaleOrgEdit`
(409 in the API, a form message on the page beside what the user typed). A role grant or
revoke is an edit of the person: it moves the person's version on too.
"""

from __future__ import annotations

from typing import Any

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


class StaleOrgEdit(Conflict):
    """The unit or person changed since the editor opened it; ``current`` is what is
    stored now (its public fields and version go back with the 409)."""

    default_code = "stale"

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
    if expected_version is not None and stored.version != expected_version:
        raise StaleOrgEdit(stored, fields)
    stored.version += 1
    return stored
