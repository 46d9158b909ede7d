"""The menu is grouped by the management loop and marks the page the user is on."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from org.scoping import scope_of
from spm.nav import GROUPS, MenuItem, grouped_menu
from tests.conftest import Cast


def test_a_menu_item_must_name_one_of_the_loop_groups() -> None:
    with pytest.raises(ValueError, match="menu group"):
        MenuItem("Somewhere", "home", group="misc")


def test_groups_follow_the_loop() -> None:
    assert list(GROUPS) == ["strategy", "goals", "tracking", "assessment", "people"]


def test_the_longest_matching_entry_is_the_active_one(cast: Cast) -> None:
    scope = scope_of(cast.hr.user)
    groups = grouped_menu(scope, reverse("strategy-map-current"))
    active = [(g.key, link.url) for g in groups for link in g.links if link.active]
    assert active == [("strategy", reverse("strategy-map-current"))]
    assert [g.key for g in groups if g.active] == ["strategy"]


def test_the_home_page_marks_no_entry(cast: Cast) -> None:
    groups = grouped_menu(scope_of(cast.employee.user), "/")
    assert not any(g.active for g in groups)
    assert groups[0].key == "strategy"


def test_the_page_shows_groups_and_marks_the_current_entry(cast: Cast) -> None:
    page = cast.client("hr").get(reverse("employee-list")).content.decode()
    assert 'id="nav-people"' in page
    assert f'href="{reverse("employee-list")}" aria-current="page"' in page


def test_the_page_greets_the_user_by_name_not_login(cast: Cast, settings: Any) -> None:
    page = cast.client("employee").get("/").content.decode()
    assert "Welcome, Employee Yi" in page
