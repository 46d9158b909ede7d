"""Sessions whose idle expiry is renewed at most once a minute, not written on every request.

The idle timeout (``SESSION_COOKIE_AGE``, from ``SPM_SESSION_IDLE_SECONDS``) needs each
request of a signed-in person to push the session's expiry forward. Django's
``SESSION_SAVE_EVERY_REQUEST`` does that by writing the session row on every request — an
``UPDATE`` and a commit per page (a write, WAL and a dead row version of ``django_session``
for every click), and for every favicon or health probe too, which load the session only
to save it.

Here (``SESSION_ENGINE = "spm.sessions"`` and :class:`SessionMiddleware` in place of
Django's) a request that read the session writes it back only when the expiry stored with
it lags the one it would get now by more than ``SESSION_RENEW_SECONDS``: at most one write
a minute per active person, and a session ends after between ``idle - 60 s`` and ``idle``
of silence. A request that does not read the session (the favicon, ``/health/``, a static
file) neither loads nor renews it. Everything else — sign-in, sign-out, messages kept in
the session, a custom expiry — is Django's database session as before.

Expiry is real time, as in Django's own session code: :class:`spm.clock.SystemClock`, not
the app's clock (``SPM_TODAY`` pins the business date, not the sessions' lifetime).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse

from spm.clock import SystemClock


class SessionStore(db.SessionStore):
    """Django's database session that remembers the expiry stored with it."""

    stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        found = super()._get_session_from_db()  # type: ignore[misc]  # not in django-stubs
        self.stored_expiry = found.expire_date if found is not None else None
        return found

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        self.stored_expiry = self.get_expiry_date()

    def renewal_due(self, now: datetime) -> bool:
        """Whether the stored expiry lags ``now`` + the idle time by more than the renewal
        interval (never for a session that was not loaded from the database)."""
        if self.stored_expiry is None:
            return False
        due = self.get_expiry_date(modification=now) - self.stored_expiry
        return due > timedelta(seconds=settings.SESSION_RENEW_SECONDS)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware; a session read by the request is saved (its expiry
    renewed) when :meth:`SessionStore.renewal_due` says so."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            isinstance(session, SessionStore)
            and session.accessed
            and not session.modified
            and session.renewal_due(SystemClock().now())
        ):
            session.modified = True
        return super().process_response(request, response)
