"""Colour everywhere it belongs (issue 10, item 5): "my targets", a unit's scorecard, the
unit page and the actuals list show each item's colour and deviation as the sweep
computed them, through the ``scorecard.lights`` registry that light-up fills."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lightup.models import LightStatus
from lightup.services import lightup_sweep
from org.scoping import SYSTEM
from scorecard import lights
from tests.lightup_world import MONTH, TODAY, YEAR, World, build, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any) -> World:
    found = build(cast)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return found


def reading(content: bytes, name: str) -> tuple[str, str]:
    """(colour, deviation text) of the row, list entry or card that names ``name``."""
    text = content.decode()
    for chunk in re.split(r"<tr|<li|<article", text):
        if f">{name}<" in chunk:
            chunk = chunk[chunk.index(f">{name}<") :]
            colour = re.search(r'data-colour="(\w*)"', chunk)
            deviation = re.search(r"<span[^>]*data-deviation>([^<]*)</span>", chunk)
            assert colour is not None, chunk
            return colour.group(1), deviation.group(1).strip() if deviation else ""
    raise AssertionError(f"{name} is not on the page")


def test_my_targets_show_the_employees_colours_and_deviations(world: World) -> None:
    response = world.cast.client("employee").get(reverse("my-targets"), {"year": YEAR})
    assert response.status_code == 200
    assert reading(response.content, "Site output") == ("red", "-50.0 %")
    assert b"Red</span>" in response.content  # a text label, not colour alone
    for name in ("Profit", "Revenue", "Cash collected"):
        assert f">{name}<".encode() not in response.content


def test_unit_scorecard_shows_each_items_colour_deviation_and_predicted_miss(
    world: World,
) -> None:
    client = world.cast.client("manager")
    response = client.get(reverse("scorecard-detail", args=[world.cards["engineering"].pk]))
    assert response.status_code == 200
    assert reading(response.content, "Capacity online") == ("green", "0.0 %")
    assert reading(response.content, "Revenue") == ("yellow", "-10.0 %")
    assert reading(response.content, "Profit") == ("red", "-20.0 %")
    assert reading(response.content, "Grid connection")[0] == "yellow"
    assert b"Predicted miss" in response.content
    assert b"Site output" not in response.content and b"Cash collected" not in response.content


def test_unit_page_lists_the_unit_scorecards_items_with_their_colours(world: World) -> None:
    client = world.cast.client("manager")
    response = client.get(
        reverse("scorecard-unit", args=[world.cast.engineering.pk]), {"year": YEAR}
    )
    assert response.status_code == 200
    assert reading(response.content, "Profit") == ("red", "-20.0 %")
    assert reading(response.content, "Capacity online") == ("green", "0.0 %")
    assert b"Cash collected" not in response.content


def test_another_units_scorecard_stays_out_of_reach(world: World) -> None:
    client = world.cast.client("sibling_manager")
    response = client.get(reverse("scorecard-detail", args=[world.cards["engineering"].pk]))
    assert response.status_code == 404


def test_actuals_list_shows_the_months_colours_in_scope(world: World) -> None:
    hr = world.cast.client("hr").get(reverse("actual-list"), {"year": YEAR, "month": MONTH})
    assert hr.status_code == 200
    assert reading(hr.content, "Profit") == ("red", "-20.0 %")
    assert reading(hr.content, "Site output") == ("red", "-50.0 %")
    swept = LightStatus.objects.get(item=world.items["missing"], year=YEAR, month=MONTH)
    assert reading(hr.content, "Cash collected")[0] == swept.colour
    manager = world.cast.client("manager").get(
        reverse("actual-list"), {"year": YEAR, "month": MONTH}
    )
    assert reading(manager.content, "Revenue") == ("yellow", "-10.0 %")
    assert b"Cash collected" not in manager.content


def test_a_month_not_swept_says_no_status_yet(world: World) -> None:
    response = world.cast.client("hr").get(reverse("actual-list"), {"year": YEAR, "month": 5})
    assert reading(response.content, "Profit") == ("", "")
    assert b"No status yet" in response.content


def test_without_a_provider_every_item_says_no_status_yet(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lights, "_providers", [])
    response = world.cast.client("employee").get(reverse("my-targets"), {"year": YEAR})
    assert reading(response.content, "Site output") == ("", "")
    assert b"No status yet" in response.content


def test_latest_computed_month_is_used_when_no_month_is_asked(world: World) -> None:
    profit = world.items["red"]
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH - 1, today=TODAY, notify=False)
    found = lights.item_lights([profit.pk], YEAR)
    assert found[profit.pk].month == MONTH
    assert lights.item_lights([profit.pk], YEAR, MONTH - 1)[profit.pk].month == MONTH - 1
    assert lights.item_lights([profit.pk], YEAR - 1) == {}


def _queries(client: Any, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("role", "page"),
    [("employee", "my-targets"), ("manager", "detail"), ("manager", "unit"), ("hr", "actuals")],
)
def test_pages_with_colours_run_as_many_queries_at_two_sizes(
    world: World, role: str, page: str
) -> None:
    url, params = {
        "my-targets": (reverse("my-targets"), {"year": YEAR}),
        "detail": (reverse("scorecard-detail", args=[world.cards["engineering"].pk]), {}),
        "unit": (reverse("scorecard-unit", args=[world.cast.engineering.pk]), {"year": YEAR}),
        "actuals": (reverse("actual-list"), {"year": YEAR, "month": MONTH}),
    }[page]
    client = world.cast.client(role)
    client.get(url, params)  # warm the session and caches
    small = _queries(client, url, **params)
    grow(world, 6)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY, notify=False)
    assert _queries(client, url, **params) == small
