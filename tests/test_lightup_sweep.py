"""The monthly sweep: colours stored month by month, set-based, idempotent, and the
warnings, reminders and escalations it sends — each once, by the database."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lightup.models import ItemLightOverride, LightScheme, LightStatus
from lightup.notify import ESCALATION, REMINDER, WARNING
from lightup.services import lightup_sweep
from notifications.models import Notification
from org.scoping import SYSTEM
from tests.conftest import Cast
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Cast) -> World:
    return build(cast)


def sweep(month: int = MONTH, today: datetime.date = TODAY, **kwargs: Any) -> Any:
    return lightup_sweep(actor=SYSTEM, year=YEAR, month=month, today=today, **kwargs)


def colours(month: int = MONTH) -> dict[int, str]:
    return dict(LightStatus.objects.filter(month=month).values_list("item_id", "colour"))


def stored_rows() -> list[tuple[Any, ...]]:
    fields = [f.name for f in LightStatus._meta.fields if f.name not in {"id", "computed_at"}]
    return list(LightStatus.objects.order_by("item_id", "month").values_list(*fields))


def test_sweep_stores_each_items_colour_deviation_and_forecast(world: World) -> None:
    sweep()
    found = colours()
    items = world.items
    assert found[items["green"].pk] == "green"
    assert found[items["yellow"].pk] == "yellow"
    assert found[items["red"].pk] == "red"
    assert found[items["milestone"].pk] == "yellow"  # due 14 July: within 30 days of 30 June
    assert found[items["missing"].pk] == "green"  # judged on May inside June's grace period
    red = LightStatus.objects.get(item=items["red"], month=MONTH)
    assert red.deviation == Decimal("-0.2")
    assert red.plan_to_date == Decimal(600)
    assert red.actual_to_date == Decimal(480)
    assert red.forecast == Decimal(960)
    assert red.predicted_miss


def test_missing_actual_turns_grey_after_the_grace_period_and_reminds_the_owner(
    world: World,
) -> None:
    sweep(today=datetime.date(YEAR, 7, 10))
    status = LightStatus.objects.get(item=world.items["missing"], month=MONTH)
    assert status.colour == "grey" and status.missing
    reminder = Notification.objects.get(kind=REMINDER)
    assert reminder.recipient == world.cast.sibling_manager.user


def test_warnings_go_to_the_owner_of_each_yellow_and_red_item(world: World) -> None:
    sweep()
    warned = Notification.objects.filter(kind=WARNING).values_list("recipient_id", "params")
    manager, employee = world.cast.manager.user_id, world.cast.employee.user_id
    items = {(uid, params["item"]) for uid, params in warned}
    assert items == {
        (manager, "Revenue"),
        (manager, "Profit"),
        (manager, "Grid connection"),
        (employee, "Site output"),
    }


def test_rerun_writes_the_same_rows_and_sends_nothing_twice(world: World) -> None:
    sweep()
    first, sent = stored_rows(), Notification.objects.count()
    result = sweep()
    assert stored_rows() == first
    assert Notification.objects.count() == sent
    assert result.items == len(first)


def test_two_red_months_escalate_to_the_head_above_once(world: World) -> None:
    sweep(month=MONTH - 1, today=datetime.date(YEAR, 6, 5))
    assert not Notification.objects.filter(kind=ESCALATION).exists()
    sweep()
    sweep()
    escalations = Notification.objects.filter(kind=ESCALATION)
    # The employee's red item goes up to the head of Engineering. Engineering's own red
    # item would go to the head of Headquarters, which has none.
    assert [(n.recipient_id, n.params["item"]) for n in escalations] == [
        (world.cast.manager.user_id, "Site output")
    ]
    assert LightStatus.objects.get(item=world.items["employee_red"], month=MONTH).red_streak == 2


def test_sweep_costs_the_same_queries_whatever_the_number_of_items(world: World) -> None:
    counts = []
    for more in (1, 7):
        grow(world, more)
        LightStatus.objects.all().delete()
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            result = sweep()
        counts.append((len(queries), result.chunks))
    assert counts[0] == counts[1]
    assert result.items > 20


def test_sweep_of_some_units_leaves_the_others_alone(world: World) -> None:
    sweep(unit_ids=[world.cast.finance.pk])
    assert set(colours()) == {world.items["missing"].pk}


def test_scheme_and_item_override_change_the_thresholds(world: World) -> None:
    LightScheme.objects.update_or_create(
        is_default=True,
        defaults={
            "name": "Lenient",
            "yellow_below": Decimal("-0.25"),
            "red_below": Decimal("-0.3"),
        },
    )
    ItemLightOverride.objects.create(
        item=world.items["yellow"], yellow_below=Decimal("-0.01"), red_below=Decimal("-0.05")
    )
    sweep()
    found = colours()
    assert found[world.items["red"].pk] == "green"  # -20 % is fine in the lenient scheme
    assert found[world.items["yellow"].pk] == "red"  # its own threshold is strict


def test_only_hr_executives_and_the_system_may_sweep(world: World) -> None:
    with pytest.raises(PermissionDenied):
        lightup_sweep(actor=world.cast.manager.user, year=YEAR, month=MONTH, today=TODAY)
    lightup_sweep(actor=world.cast.hr.user, year=YEAR, month=MONTH, today=TODAY)


def test_warnings_are_emailed_once_to_those_who_want_email(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from notifications.models import NotificationPreference

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    NotificationPreference.objects.create(user=world.cast.employee.user, email=False)
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [world.cast.manager.user.email] * 3
