"""Issue 9, item 9: saved filters per user on every list page with filters — save the
current filter under a name, re-apply it with one click, make one the default, delete it.
A user sees only their own; applying one still goes through the list's scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spm import registry
from spm.models import SavedFilter
from spm.saved_filters import MAX_PER_LIST, saved_filter_create
from tests.access import MEMBERS
from tests.conftest import CAST, Cast
from tests.test_org_queries import NAV, PAGE_BASE
from tests.test_org_queries import grow as grow_directory

pytestmark = pytest.mark.django_db
LISTS = {
    "directory": "employee-list",
    "actuals": "actual-list",
    "scorecards": "scorecard-list",
    "approvals": "actual-approvals",
    "board": "lightup-board",
}


def _save(client: Client, list_name: str = "directory", follow: bool = False, **fields: Any) -> Any:
    data = {"list_name": list_name, "name": "Engineers", "query": "q=engineer", **fields}
    return client.post(reverse("saved-filter-save"), data, follow=follow)


def test_every_list_with_filters_is_registered_for_saved_filters() -> None:
    registered = {name: lst.url_name for name, lst in registry.filter_lists.items()}
    assert registered == LISTS


@pytest.mark.parametrize("list_name", sorted(LISTS))
@pytest.mark.parametrize("role", CAST)
def test_each_list_page_shows_the_members_own_saved_filters_bar(
    cast: Cast, role: str, list_name: str
) -> None:
    response = cast.client(role).get(reverse(LISTS[list_name]))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert f'data-saved-filters="{list_name}"' in response.content.decode()


def test_a_saved_filter_is_saved_listed_applied_made_default_and_deleted(cast: Cast) -> None:
    client = cast.client("hr")
    saved = _save(client, query="q=engineer&page=3&sort=-unit")
    saved_filter = SavedFilter.objects.get()
    # The page number is not part of a filter.
    assert saved_filter.query == "q=engineer&sort=-unit"
    assert saved["Location"] == reverse("employee-list") + "?q=engineer&sort=-unit"
    page = client.get(saved["Location"])
    html = page.content.decode()
    assert 'aria-current="true">Engineers' in html
    assert all(
        "engineer" in p.job_title.lower() or "engineer" in p.name.lower()
        for p in page.context["page"].object_list
    )
    # Made the default, it is applied when the list is opened without a filter …
    client.post(reverse("saved-filter-default", args=[saved_filter.pk]))
    opened = client.get(reverse("employee-list"))
    assert opened.status_code == 302 and opened["Location"].endswith("?q=engineer&sort=-unit")
    # … but not when the user asks for the unfiltered list.
    everyone = client.get(reverse("employee-list"), {"filter": "none"})
    assert everyone.status_code == 200
    assert everyone.context["page"].paginator.count > page.context["page"].paginator.count
    client.post(reverse("saved-filter-delete", args=[saved_filter.pk]))
    assert not SavedFilter.objects.exists()
    assert client.get(reverse("employee-list")).status_code == 200


def test_one_default_per_list_and_saving_a_name_again_replaces_its_filter(cast: Cast) -> None:
    client = cast.client("hr")
    _save(client, name="A", query="q=a", is_default="1")
    _save(client, name="B", query="q=b", is_default="1")
    _save(client, name="A", query="q=aa")
    rows = {f.name: (f.query, f.is_default) for f in SavedFilter.objects.all()}
    assert rows == {"A": ("q=aa", False), "B": ("q=b", True)}


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 61},
        {"query": "q=engineer&password=1"},
        {"query": "user__password=1"},
        {"query": "q=" + "x" * 600},
        {"list_name": "../admin"},
        {"list_name": ""},
    ],
)
def test_garbage_names_lists_and_queries_save_nothing_and_never_fail(
    cast: Cast, fields: dict[str, str]
) -> None:
    response = _save(cast.client("hr"), **fields)
    assert response.status_code in (200, 404), response.status_code
    if response.status_code == 200:  # the form again, saying why, with what was typed
        body = response.content.decode()
        assert "alert-danger" in body or "is-invalid" in body
        assert response.context["form"].data["name"] == fields.get("name", "Engineers")
    assert not SavedFilter.objects.exists()


def test_a_user_keeps_at_most_so_many_filters_per_list(cast: Cast) -> None:
    for i in range(MAX_PER_LIST):
        saved_filter_create(actor=cast.hr.user, list_name="directory", name=f"F{i}", query="")
    response = _save(cast.client("hr"), follow=True)
    assert SavedFilter.objects.count() == MAX_PER_LIST
    assert "delete one first" in response.content.decode()


def test_saving_a_filter_needs_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.hr.user)
    assert _save(client).status_code == 403
    saved = saved_filter_create(actor=cast.hr.user, list_name="directory", name="X", query="")
    for name in ("saved-filter-default", "saved-filter-delete"):
        assert client.post(reverse(name, args=[saved.pk])).status_code == 403
    assert SavedFilter.objects.filter(pk=saved.pk, is_default=False).exists()


@pytest.mark.parametrize("role", [role for role in CAST if role != "manager"])
def test_nobody_else_applies_defaults_to_or_deletes_a_users_filter(cast: Cast, role: str) -> None:
    saved = saved_filter_create(actor=cast.manager.user, list_name="directory", name="M", query="")
    client = cast.client(role)
    for name in ("saved-filter-default", "saved-filter-delete"):
        response = client.post(reverse(name, args=[saved.pk]))
        assert response.status_code == (302 if role == "anonymous" else 404), (role, name)
    assert SavedFilter.objects.filter(pk=saved.pk, is_default=False).exists()
    if role != "anonymous":
        page = client.get(reverse("employee-list")).content.decode()
        assert 'data-saved-filters="directory"' in page and ">M<" not in page


def test_a_saved_out_of_scope_unit_shows_nothing_extra(cast: Cast) -> None:
    client = cast.client("manager")
    _save(client, list_name="approvals", name="Finance", query=f"unit={cast.finance.pk}")
    saved = SavedFilter.objects.get()
    assert saved.query == f"unit={cast.finance.pk}"
    applied = client.get(reverse("actual-approvals") + "?" + saved.query)
    assert applied.status_code in (200, 404)
    if applied.status_code == 200:
        assert list(applied.context["page"].object_list) == []
    _save(client, name="Finance people", query=f"unit={cast.finance.pk}")
    directory = client.get(reverse("employee-list") + f"?unit={cast.finance.pk}")
    assert directory.status_code == 404


def test_the_api_lists_creates_and_deletes_only_the_callers_own_filters(cast: Cast) -> None:
    mine, theirs = cast.client("hr"), cast.client("manager")
    created = mine.post(
        "/api/v1/saved-filters/",
        {"list_name": "actuals", "name": "March", "query": "month=3&bogus=", "is_default": True},
        content_type="application/json",
    )
    assert created.status_code == 400 and "query" in created.json()["fields"]
    created = mine.post(
        "/api/v1/saved-filters/",
        {"list_name": "actuals", "name": "March", "query": "month=3&page=2"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["query"], body["is_default"]) == ("month=3", False)
    url = f"/api/v1/saved-filters/{body['id']}/"
    assert theirs.get(url).status_code == 404
    assert theirs.delete(url).status_code == 404
    assert theirs.get("/api/v1/saved-filters/").json()["results"] == []
    assert [r["name"] for r in mine.get("/api/v1/saved-filters/").json()["results"]] == ["March"]
    assert cast.client("anonymous").get("/api/v1/saved-filters/").status_code == 401
    assert mine.delete(url).status_code == 204
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("units,people,filters", [(1, 1, 1), (12, 5, 8)])
def test_the_directory_with_saved_filters_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, units: int, people: int, filters: int
) -> None:
    grow_directory(cast, units, people)
    for i in range(filters):
        saved_filter_create(actor=cast.hr.user, list_name="directory", name=f"F{i}", query="q=a")
    client = cast.client("hr")
    # + count, + page of people, + job titles, + units for the filter, + the saved filters
    with django_assert_num_queries(PAGE_BASE + 5 + NAV):
        response = client.get(reverse("employee-list"), {"q": "a"})
    assert response.content.decode().count('/default/"') == filters


@pytest.mark.parametrize("role", MEMBERS)
def test_each_member_saves_a_filter_of_their_own(cast: Cast, role: str) -> None:
    response = _save(cast.client(role), list_name="scorecards", query="status=draft")
    assert response.status_code == 302
    assert SavedFilter.objects.get().user == cast.member(role).user  # type: ignore[union-attr]
