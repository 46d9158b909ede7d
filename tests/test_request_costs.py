"""What every signed-in request pays before its view runs, and the caches that keep it small.

The scope is read in one statement per request (values only, cached on the request's user);
the menu's entries are built once per process for each set of roles (``spm.nav``); a role
granted or revoked, a unit deactivated, a menu contributor added still count from the next
request on.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org.models import Employee, OrgUnit, RoleAssignment
from org.scoping import EMPLOYEE, HR, MANAGER, read_scope, scope_of
from spm import nav, registry
from spm.nav import GOALS, MenuItem, menu, menu_entries, menu_key
from tests.conftest import Cast
from tests.factories import OrgUnitFactory
from tests.test_org_queries import NAV, PAGE_BASE

pytestmark = pytest.mark.django_db

CHEAP_PAGE = "password_change"  # a form and the base template: the cost every page pays


def directory_shown(client: Any) -> bool:
    page = client.get(reverse(CHEAP_PAGE)).content.decode()
    return f'href="{reverse("employee-list")}"' in page


def test_a_role_granted_mid_process_shows_in_the_menu_on_the_next_request(cast: Cast) -> None:
    client = cast.client("employee")
    assert not directory_shown(client)  # the employees' menu is now built in this process
    grant = RoleAssignment.objects.create(
        user=cast.employee.user, role=MANAGER, unit=cast.engineering
    )
    assert directory_shown(client)
    grant.delete()
    assert not directory_shown(client)


def test_a_role_granted_mid_process_opens_its_rows_on_the_next_request(cast: Cast) -> None:
    client = cast.client("employee")
    other = reverse("employee-detail", args=[cast.site_worker.pk])
    assert client.get(other).status_code == 404
    RoleAssignment.objects.create(user=cast.employee.user, role=MANAGER, unit=cast.engineering)
    assert client.get(other).status_code == 200
    RoleAssignment.objects.filter(user=cast.employee.user).delete()
    assert client.get(other).status_code == 404


def test_the_menu_is_built_once_per_set_of_roles_and_again_when_a_contributor_comes(
    cast: Cast,
) -> None:
    calls: list[Any] = []

    def counting(scope: Any) -> list[MenuItem]:
        calls.append(scope)
        return [MenuItem("Counted", "home", group=GOALS)]

    registry.menus.register("test-counting", counting, order=99)
    try:
        for _ in range(3):
            menu_entries(scope_of(cast.employee.user))
            menu_entries(scope_of(cast.site_worker.user))  # the same roles: the same entries
        assert len(calls) == 1
        menu_entries(scope_of(cast.manager.user))  # other roles: built for them once
        menu_entries(scope_of(cast.manager.user))
        assert len(calls) == 2
        registry.menus.register("test-other", lambda scope: [], order=98)
        menu_entries(scope_of(cast.employee.user))  # a new contributor: built again
        assert len(calls) == 3
    finally:
        registry.menus.unregister("test-counting")
        registry.menus.unregister("test-other")
    assert "Counted" not in [label for _g, label, _u in menu_entries(scope_of(cast.hr.user))]


def test_every_menu_contributor_depends_on_the_roles_alone(cast: Cast) -> None:
    """The cache's contract: two people with the same roles get the same menu from each
    contributor, whatever their units, ids or names."""
    for a, b in (
        (cast.employee, cast.site_worker),
        (cast.manager, cast.sibling_manager),
    ):
        one, other = scope_of(a.user), scope_of(b.user)
        assert menu_key(one) == menu_key(other)
        assert one.unit_paths != other.unit_paths or one.employee_id != other.employee_id
        assert menu(one) == menu(other)
        assert nav.grouped_menu(one, "/") == nav.grouped_menu(other, "/")


def test_the_menu_is_rendered_once_per_roles_language_and_current_entry(cast: Cast) -> None:
    """Every page shows the menu: its HTML is rendered once per process for each set of
    roles, language and current entry, and looked up by every other page — the right one
    for each of them."""
    rendered: list[str] = []

    def counting(sender: Any, template: Any, **kwargs: Any) -> None:
        if template.name == "spm/_nav_menu.html":
            rendered.append(template.name)

    nav._html.clear()
    mine = reverse("my-targets")
    current = f'href="{mine}" aria-current="page"'
    template_rendered.connect(counting)
    try:
        employee, colleague = cast.client("employee"), cast.client("site_worker")
        for client in (employee, employee, colleague):  # the same roles, the same page
            page = client.get(mine).content.decode()
            assert current in page
        assert len(rendered) == 1
        home = employee.get("/").content.decode()  # another current entry
        assert len(rendered) == 2
        assert f'href="{mine}"' in home and current not in home
        chinese = employee.get(mine, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert len(rendered) == 3
        assert ">目标</a>" in chinese and current in chinese
        assert ">Goals</a>" in employee.get(mine).content.decode()  # English again, cached
        directory = cast.client("hr").get(reverse("employee-list")).content.decode()
        assert len(rendered) == 4  # other roles
        assert f'href="{reverse("employee-list")}" aria-current="page"' in directory
    finally:
        template_rendered.disconnect(counting)
    assert len(rendered) == 4


def test_the_cheap_page_costs_the_signed_in_base_and_the_unread_count(cast: Cast) -> None:
    """Session, user, scope (one statement), the inbox badge: the same on a first request of
    the process (menu built) as later (menu cached), and for a person with many grants."""
    url = reverse(CHEAP_PAGE)
    nav._entries.clear()
    for role in ("employee", "employee", "hr"):
        client = cast.client(role)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == PAGE_BASE + NAV == 4
    for n in range(6):
        unit = OrgUnitFactory.create(code=f"X{n}", parent=cast.hq)
        RoleAssignment.objects.create(user=cast.hr.user, role=MANAGER, unit=unit)
    client = cast.client("hr")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == PAGE_BASE + NAV


def test_the_scope_reads_active_grants_and_the_active_employee_record(cast: Cast) -> None:
    user = cast.manager.user
    scope = read_scope(user.pk, superuser=False)
    assert scope.roles == {EMPLOYEE, MANAGER}
    assert scope.unit_paths[MANAGER] == (cast.engineering.path,)
    assert scope.unit_ids[MANAGER] == (cast.engineering.pk,)
    assert scope.employee_id == cast.manager.pk
    assert scope.employee_unit_id == cast.manager.unit_id
    assert scope.employee_name == cast.manager.name
    below = OrgUnit.objects.filter(path__startswith=cast.engineering.path)
    assert set(scope.subtree_ids_of(cast.engineering.path) or ()) == set(
        below.values_list("pk", flat=True)
    )
    # A root's subtree is every unit: filtered by its path, its ids not read.
    hr = read_scope(cast.hr.user.pk, superuser=False)
    assert hr.unit_paths[HR] == (cast.group.path,)
    assert hr.subtree_ids_of(cast.group.path) is None

    OrgUnit.objects.filter(pk=cast.engineering.pk).update(active=False)
    Employee.objects.filter(pk=cast.manager.pk).update(active=False)
    gone = read_scope(user.pk, superuser=False)
    assert gone.roles == frozenset()
    assert gone.employee_id is None and gone.employee_name == ""


def test_the_unread_count_of_the_inbox_is_one_indexed_count() -> None:
    from notifications.models import Notification

    indexed = [tuple(index.fields) for index in Notification._meta.indexes]
    assert ("recipient", "read_at") in indexed


def test_a_page_that_does_not_show_the_menu_does_not_render_it(cast: Cast) -> None:
    """The menu reaches templates as a callable: a fragment that does not extend base.html
    (an htmx partial, a PDF) neither looks it up nor renders it; base.html calls it."""
    from django.test import RequestFactory

    from spm.context_processors import navigation

    rendered: list[str] = []

    def counting(sender: Any, template: Any, **kwargs: Any) -> None:
        if template.name == "spm/_nav_menu.html":
            rendered.append(template.name)

    nav._html.clear()
    request = RequestFactory().get(reverse("my-targets"))
    request.user = cast.employee.user
    template_rendered.connect(counting)
    try:
        menu = navigation(request)["nav_menu"]
        assert rendered == []
        assert 'aria-current="page"' in menu()
        assert rendered == ["spm/_nav_menu.html"]
    finally:
        template_rendered.disconnect(counting)
