"""Sending, reading and e-mailing notifications; each write one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import Notification, NotificationPreference
from org.scoping import Actor, SystemActor
from spm import clock as clocks
from spm.clock import Clock

BATCH = 1000


@dataclass(frozen=True)
class Message:
    """One notification to send; ``dedupe_key`` makes a second send a no-op."""

    recipient_id: int
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    dedupe_key: str | None = None


def notification_send(
    *,
    recipients: Iterable[int],
    kind: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    dedupe_key: str | None = None,
) -> int:
    """Send the same message to each recipient (user ids); see :func:`notifications_send`."""
    return notifications_send(
        messages=[Message(pk, kind, dict(params or {}), link, dedupe_key) for pk in set(recipients)]
    )


@transaction.atomic
def notifications_send(*, messages: Sequence[Message], email: bool = True) -> int:
    """Insert the messages, ignoring any whose (recipient, dedupe key) already exists.

    The unique constraint decides, not a read before the write, so two sweeps racing on
    the same month still send each warning once. E-mails go out after the commit
    (``email=False`` leaves them to the next mail run).
    Returns how many messages were offered (the inserted count is not reported by every
    database for an insert that ignores conflicts).
    """
    rows = [
        Notification(
            recipient_id=m.recipient_id,
            kind=m.kind,
            params=m.params,
            link=m.link,
            dedupe_key=m.dedupe_key,
        )
        for m in messages
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    if email:
        from notifications.tasks import notification_email_pending

        transaction.on_commit(notification_email_pending.delay)
    return len(rows)


def _own(actor: Actor, notification_id: int) -> Any:
    if isinstance(actor, SystemActor):
        raise Http404
    found = Notification.objects.restrict(actor).filter(pk=notification_id)
    if not found.exists():
        raise Http404
    return found


@transaction.atomic
def notification_mark_read(
    *, actor: Actor, notification_id: int, clock: Clock | None = None
) -> int:
    """Mark one of the actor's notifications read (404 for anybody else's); idempotent."""
    found = _own(actor, notification_id)
    return found.filter(read_at__isnull=True).update(read_at=(clock or clocks.clock()).now())


@transaction.atomic
def notification_mark_all_read(*, actor: Actor, clock: Clock | None = None) -> int:
    if isinstance(actor, SystemActor):
        return 0
    unread = Notification.objects.restrict(actor).unread()
    return unread.update(read_at=(clock or clocks.clock()).now())


def preference_of(user: Any) -> NotificationPreference:
    """The user's preferences, the defaults if they never saved any (not stored)."""
    found = NotificationPreference.objects.filter(user_id=user.pk).first()
    return found or NotificationPreference(user_id=user.pk)


@transaction.atomic
def preference_update(
    *, actor: Actor, email: bool, daily_digest: bool, language: str
) -> NotificationPreference:
    if isinstance(actor, SystemActor) or not actor.is_authenticated:
        raise Http404
    preference, _created = NotificationPreference.objects.get_or_create(user_id=actor.pk)
    preference.email = email
    preference.daily_digest = daily_digest
    preference.language = language
    preference.full_clean()
    preference.save()
    return preference


# --- E-mail ---------------------------------------------------------------------------
def _addresses(user_ids: Iterable[int]) -> dict[int, tuple[str, NotificationPreference]]:
    """E-mail address and preference of each user who has an address and wants e-mail."""
    ids = set(user_ids)
    users = get_user_model().objects.filter(pk__in=ids).exclude(email="")
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    found: dict[int, tuple[str, NotificationPreference]] = {}
    for user_id, address in users.values_list("pk", "email"):
        preference = prefs.get(user_id) or NotificationPreference(user_id=user_id)
        if preference.email:
            found[user_id] = (address, preference)
    return found


def _claim(ids: Sequence[int], at: datetime.datetime) -> list[Notification]:
    """Claim notifications for e-mail by compare-and-set, so no message is mailed twice."""
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, emailed_at__isnull=True)
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=at)
    return claimed


def notification_email_pending(*, clock: Clock | None = None, limit: int = 5000) -> int:
    """E-mail not yet mailed notifications to users who want one e-mail per message.

    Users without an address, with e-mail off, or on the daily digest are skipped here
    (the digest picks theirs up). Returns the number of e-mails sent.
    """
    now = (clock or clocks.clock()).now()
    pending = list(
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "recipient_id")[:limit]
    )
    addresses = _addresses(uid for _pk, uid in pending)
    wanted = [pk for pk, uid in pending if uid in addresses and not addresses[uid][1].daily_digest]
    # Messages of people without an address or with e-mail off are settled at once, so the
    # next run does not read them again; digest readers' wait for the digest.
    digest = set(
        NotificationPreference.objects.filter(
            user_id__in={uid for _pk, uid in pending}, email=True, daily_digest=True
        ).values_list("user_id", flat=True)
    )
    settled = [pk for pk, uid in pending if uid not in addresses and uid not in digest]
    Notification.objects.filter(pk__in=settled, emailed_at__isnull=True).update(emailed_at=now)
    sent = 0
    mails = []
    for notification in _claim(wanted, now):
        address, preference = addresses[notification.recipient_id]
        with translation.override(preference.language):
            subject, body = notification.subject, notification.body
            if notification.link:
                body = f"{body}\n\n{settings.SPM_BASE_URL.rstrip('/')}{notification.link}"
        mails.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    if mails:
        sent = get_connection().send_messages(mails) or 0
    return sent


def notification_digest(*, clock: Clock | None = None) -> int:
    """One e-mail per digest reader with everything unread and not yet mailed."""
    now = (clock or clocks.clock()).now()
    readers = NotificationPreference.objects.filter(email=True, daily_digest=True)
    reader_ids = list(readers.values_list("user_id", flat=True))
    pending = list(
        Notification.objects.filter(
            recipient_id__in=reader_ids, emailed_at__isnull=True, read_at__isnull=True
        )
        .order_by("recipient_id", "pk")
        .values_list("pk", "recipient_id")
    )
    addresses = _addresses(reader_ids)
    by_user: dict[int, list[Notification]] = {}
    for notification in _claim([pk for pk, uid in pending if uid in addresses], now):
        by_user.setdefault(notification.recipient_id, []).append(notification)
    mails = []
    for user_id, notes in by_user.items():
        address, preference = addresses[user_id]
        with translation.override(preference.language):
            subject = _("Your daily digest: %(count)s new messages") % {"count": len(notes)}
            body = "\n\n".join(f"{n.subject}\n{n.body}" for n in notes)
        mails.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    NotificationPreference.objects.filter(user_id__in=list(by_user)).update(last_digest_at=now)
    return (get_connection().send_messages(mails) or 0) if mails else 0
