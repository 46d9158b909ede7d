"""Light-up and inbox pages and endpoints against the six-role cast: who sees which
lights, who may start a sweep, whose notifications are whose."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lightup.models import LightStatus
from lightup.services import lightup_sweep
from notifications.models import Notification
from org.scoping import SYSTEM
from spm.models import Job
from tests.access import fresh, module_rows
from tests.conftest import CAST, Cast
from tests.lightup_world import MONTH, TODAY, YEAR, World, build

pytestmark = pytest.mark.django_db

ENGINEERING = {"green", "yellow", "red", "milestone", "employee_red"}
ALL = ENGINEERING | {"missing"}
VISIBLE = {
    "employee": {"employee_red"},  # their own card; Engineering's is not signed yet
    "manager": ENGINEERING,
    "sibling_manager": {"missing"},
    "hr": ALL,
    "executive": ALL,
    "anonymous": set(),
}
MAY_SWEEP = {"hr", "executive"}


def build_swept(cast: Cast) -> World:
    found = build(cast)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return found


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    """The swept light-up world, built once for the module (every test here reads it)."""
    yield from module_rows(django_db_blocker, lambda: build_swept(cast_rows))


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


def names(world: World, item_ids: set[int]) -> set[str]:
    return {name for name, item in world.items.items() if item.pk in item_ids}


def world_colour(world: World, name: str) -> str:
    status = LightStatus.objects.get(item=world.items[name], year=YEAR, month=MONTH)
    return status.colour


def board_items(content: bytes) -> set[int]:
    import re

    return {int(pk) for pk in re.findall(rb'data-item="(\d+)"', content)}


@pytest.mark.parametrize("role", CAST)
def test_light_board_shows_exactly_the_lights_in_scope(world: World, role: str) -> None:
    response = world.cast.client(role).get(
        reverse("lightup-board"), {"year": YEAR, "month": 6, "view": "list"}
    )
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert names(world, board_items(response.content)) == VISIBLE[role]


@pytest.mark.parametrize("role", CAST)
def test_item_chart_is_found_only_in_scope(world: World, role: str) -> None:
    client = world.cast.client(role)
    for name, item in world.items.items():
        response = client.get(reverse("lightup-item", args=[item.pk]))
        if role == "anonymous":
            assert response.status_code == 302
        elif name in VISIBLE[role]:
            assert response.status_code == 200
            assert b"<svg" in response.content
        else:
            assert response.status_code == 404, (role, name)


@pytest.mark.parametrize("role", CAST)
def test_board_exports_hold_only_the_lights_in_scope(
    world: World, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.cast.client(role)
    query = f"?year={YEAR}&month={MONTH}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("lightup-board-xlsx") + query)
        pdf = client.post(reverse("lightup-board-pdf") + query)
    if role == "anonymous":
        assert response.status_code == pdf.status_code == 302
        assert not Job.objects.exists()
        return
    job = Job.objects.get(kind="lightup_board_xlsx")
    pack = Job.objects.get(kind="lightup_board_pdf")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert pdf["Location"] == reverse("job-detail", args=[pack.pk])
    assert pack.status == Job.Status.DONE and pack.created_by == getattr(world.cast, role).user
    assert pack.result["rows"] == len(
        [n for n in VISIBLE[role] if world_colour(world, n) != "green"]
    )
    assert job.status == Job.Status.DONE and job.created_by == getattr(world.cast, role).user
    download = client.get(reverse("job-download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet is not None
    listed = {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = {world.items[name].name for name in VISIBLE[role]}
    assert listed == expected


@pytest.mark.parametrize("role", CAST)
def test_only_hr_and_executives_start_a_sweep(world: World, role: str) -> None:
    response = world.cast.client(role).post(reverse("lightup-sweep"), {"year": YEAR, "month": 6})
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    elif role in MAY_SWEEP:
        assert response.status_code == 302 and "/jobs/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", CAST)
def test_status_api_lists_and_retrieves_only_in_scope(world: World, role: str) -> None:
    client = world.cast.client(role)
    response = client.get("/api/v1/light-statuses/", {"year": YEAR, "month": MONTH})
    if role == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    listed = {row["item"] for row in response.json()["results"]}
    assert names(world, listed) == VISIBLE[role]
    for name, item in world.items.items():
        status = item.light_statuses.get(month=MONTH)
        found = client.get(f"/api/v1/light-statuses/{status.pk}/")
        assert found.status_code == (200 if name in VISIBLE[role] else 404)


@pytest.mark.parametrize("role", CAST)
def test_status_api_history_and_forecasts(world: World, role: str) -> None:
    client = world.cast.client(role)
    item = world.items["employee_red"]
    history = client.get("/api/v1/light-statuses/", {"item": item.pk})
    forecasts = client.get("/api/v1/light-statuses/forecasts/")
    if role == "anonymous":
        assert history.status_code in (401, 403)
        return
    visible = "employee_red" in VISIBLE[role]
    assert [r["month"] for r in history.json()["results"]] == ([MONTH] if visible else [])
    missed = {row["item"] for row in forecasts.json()["results"]}
    assert names(world, missed) <= VISIBLE[role]
    assert ("red" in names(world, missed)) == ("red" in VISIBLE[role])


@pytest.mark.parametrize("role", CAST)
def test_sweep_api_is_for_hr_and_executives(
    world: World, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    from spm.models import Job

    with django_capture_on_commit_callbacks(execute=True):
        response = world.cast.client(role).post(
            "/api/v1/light-sweeps/", {"year": YEAR, "month": MONTH}, content_type="application/json"
        )
    if role == "anonymous":
        assert response.status_code in (401, 403)
    elif role in MAY_SWEEP:
        assert response.status_code == 202
        job = Job.objects.get(pk=response.json()["job"])
        assert job.status == Job.Status.DONE  # tasks run in-process in tests
        assert job.result["items"] == len(ALL)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", CAST)
def test_notifications_api_is_the_callers_own_inbox(world: World, role: str) -> None:
    client = world.cast.client(role)
    response = client.get("/api/v1/notifications/")
    if role == "anonymous":
        assert response.status_code in (401, 403)
        return
    member = world.cast.member(role)
    assert member is not None
    mine = set(Notification.objects.filter(recipient=member.user).values_list("pk", flat=True))
    assert {row["id"] for row in response.json()["results"]} == mine
    for note in Notification.objects.all():
        found = client.get(f"/api/v1/notifications/{note.pk}/")
        marked = client.post(f"/api/v1/notifications/{note.pk}/read/")
        expected = 200 if note.pk in mine else 404
        assert (found.status_code, marked.status_code) == (expected, expected)
    assert not Notification.objects.filter(recipient=member.user, read_at__isnull=True).exists()


@pytest.mark.parametrize("role", CAST)
def test_inbox_and_preference_pages_need_a_login(world: World, role: str) -> None:
    client = world.cast.client(role)
    for name in ("notification-inbox", "notification-preferences"):
        response = client.get(reverse(name))
        assert response.status_code == (302 if role == "anonymous" else 200)


def test_manager_is_warned_in_the_inbox(world: World) -> None:
    content = world.cast.client("manager").get(reverse("notification-inbox")).content.decode()
    assert "Profit is red for 2026-06" in content


def test_board_filters_by_colour_owner_and_unit(world: World) -> None:
    client = world.cast.client("executive")

    def shown(**params: Any) -> set[str]:
        response = client.get(
            reverse("lightup-board"), {"year": YEAR, "month": MONTH, "view": "list", **params}
        )
        return names(world, board_items(response.content))

    assert shown(colour="red") == {"red", "employee_red"}
    assert shown(owner="Employee Yi") == {"employee_red"}
    assert shown(unit=world.cast.finance.pk) == {"missing"}
