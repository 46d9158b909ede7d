"""The inbox: one message per dedupe key (by the database), only your own, read and
unread, e-mail and the daily digest, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification, NotificationPreference
from notifications.services import (
    Message,
    notification_digest,
    notification_mark_all_read,
    notification_mark_read,
    notification_send,
    notifications_send,
)
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

KIND = "lightup.warning"
PARAMS = {"item": "Profit", "owner": "Engineering", "year": 2026, "month": 6, "colour": "red"}


def test_the_database_refuses_a_second_message_with_the_same_key(cast: Cast) -> None:
    user = cast.manager.user
    Notification.objects.create(recipient=user, kind=KIND, dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=user, kind=KIND, dedupe_key="k")


def test_sending_twice_with_a_key_stores_one_message_per_recipient(cast: Cast) -> None:
    users = [cast.manager.user_id, cast.employee.user_id]
    for _run in range(2):
        notification_send(recipients=users, kind=KIND, params=PARAMS, dedupe_key="item-1:2026-06")
    assert Notification.objects.count() == 2
    notification_send(recipients=users, kind=KIND, params=PARAMS)  # no key: always sent
    assert Notification.objects.count() == 4


def test_a_batch_with_a_message_already_sent_still_inserts_the_new_ones(cast: Cast) -> None:
    uid = cast.manager.user_id
    notifications_send(messages=[Message(uid, KIND, PARAMS, "", "a")])
    notifications_send(messages=[Message(uid, KIND, PARAMS, "", k) for k in ("a", "b", "c")])
    keys = Notification.objects.order_by("dedupe_key").values_list("dedupe_key", flat=True)
    assert list(keys) == ["a", "b", "c"]


def test_subject_is_rendered_in_the_readers_language(cast: Cast) -> None:
    note = Notification.objects.create(recipient=cast.manager.user, kind=KIND, params=PARAMS)
    with translation.override("en"):
        assert note.subject == "Profit is red for 2026-06"
    with translation.override("zh-hans"):
        assert "红" in note.subject


def test_nobody_marks_anybody_elses_notification_read(cast: Cast) -> None:
    note = Notification.objects.create(recipient=cast.manager.user, kind=KIND, params=PARAMS)
    with pytest.raises(Http404):
        notification_mark_read(actor=cast.employee.user, notification_id=note.pk)
    notification_mark_read(actor=cast.manager.user, notification_id=note.pk)
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_all_read_touches_only_the_actors_messages(cast: Cast) -> None:
    mine = Notification.objects.create(recipient=cast.manager.user, kind=KIND, params=PARAMS)
    theirs = Notification.objects.create(recipient=cast.employee.user, kind=KIND, params=PARAMS)
    assert notification_mark_all_read(actor=cast.manager.user) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_digest_readers_get_one_email_a_day_with_all_their_messages(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    NotificationPreference.objects.create(user=cast.manager.user, daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        for key in ("a", "b", "c"):
            notification_send(
                recipients=[cast.manager.user_id], kind=KIND, params=PARAMS, dedupe_key=key
            )
    assert mail.outbox == []  # not one by one
    assert notification_digest() == 1
    assert notification_digest() == 0  # nothing new
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("Profit is red") == 3


def test_inbox_page_lists_and_marks_read(cast: Cast) -> None:
    note = Notification.objects.create(
        recipient=cast.manager.user, kind=KIND, params=PARAMS, link="/lightup/"
    )
    Notification.objects.create(recipient=cast.employee.user, kind=KIND, params=PARAMS)
    client = cast.client("manager")
    page = client.get(reverse("notification-inbox"))
    assert page.status_code == 200
    assert page.content.decode().count("data-notification=") == 1
    assert 'id="nav-unread">1<' in page.content.decode()
    client.post(reverse("notification-read", args=[note.pk]))
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="nav-unread"' not in client.get(reverse("notification-inbox")).content.decode()


def test_opening_a_notification_follows_its_link_and_marks_it_read(cast: Cast) -> None:
    note = Notification.objects.create(
        recipient=cast.manager.user, kind=KIND, params=PARAMS, link="/lightup/"
    )
    response = cast.client("manager").get(reverse("notification-open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/lightup/"
    other = cast.client("employee").get(reverse("notification-open", args=[note.pk]))
    assert other.status_code == 404


def test_preferences_page_saves_the_users_choice(cast: Cast) -> None:
    client = cast.client("employee")
    response = client.post(
        reverse("notification-preferences"), {"daily_digest": "on", "language": "zh-hans"}
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cast.employee.user)
    assert (preference.email, preference.daily_digest, preference.language) == (
        False,
        True,
        "zh-hans",
    )
