"""Celery tasks of the inbox: e-mail what is pending, the daily digest."""

from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.notification_email_pending")
def notification_email_pending() -> int:
    """E-mail notifications not mailed yet; claims each by compare-and-set, so a second
    run (or a parallel worker) mails nothing twice."""
    return services.notification_email_pending()


@shared_task(name="notifications.tasks.notification_digest_daily")
def notification_digest_daily() -> int:
    return services.notification_digest()
