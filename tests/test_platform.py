"""Health, API schema and docs, static assets served by the app, demo and generated data."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from org.models import Employee, OrgUnit, RoleAssignment
from tests.conftest import CAST, Cast

pytestmark = pytest.mark.django_db


def test_health_reports_in_process_tasks_in_the_embedded_setup(settings: Any) -> None:
    settings.REDIS_URL = ""
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "redis": "not configured (tasks run in-process)",
        "worker": "in-process",
        "status": "ok",
    }


@pytest.mark.parametrize("role", CAST)
def test_api_schema_and_docs_open_for_members(cast: Cast, role: str) -> None:
    client = cast.client(role)
    docs = client.get(reverse("api-docs"))
    schema = client.get(reverse("api-schema"))
    if role == "anonymous":
        assert schema.status_code == 401
        assert docs.status_code == 401
        return
    assert docs.status_code == 200
    assert schema.status_code == 200
    # Swagger UI comes from the app itself, never from a CDN.
    assert not re.search(r'(src|href)="https?://', docs.content.decode())


def test_spectacular_command_writes_a_valid_schema(tmp_path: Any) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/employees/" in text
    assert "/api/v1/org-units/" in text


def test_pages_load_every_asset_from_the_app(cast: Cast) -> None:
    html = cast.client("employee").get(reverse("home")).content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert assets, "the page has no assets?"
    for url in assets:
        assert url.startswith("/static/"), url
        assert Client().get(url).status_code == 200, url
    assert "Content-Security-Policy" in cast.client("employee").get(reverse("home")).headers


def test_seed_demo_is_idempotent_and_prints_the_logins() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (OrgUnit.objects.count(), Employee.objects.count(), RoleAssignment.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        OrgUnit.objects.count(),
        Employee.objects.count(),
        RoleAssignment.objects.count(),
    ) == counts
    assert 140 <= counts[1] <= 200
    for username in ("exec", "hr", "manager", "employee", "admin"):
        assert re.search(rf"^\s+{username}\s", out.getvalue(), re.M)
    manager = Employee.objects.get(user__username="manager")
    assert manager.unit.code == "HQ-EC" and manager.unit.head == manager
    assert Employee.objects.get(user__username="employee").line_manager == manager


def test_generate_enterprise_builds_a_consistent_tree() -> None:
    out = StringIO()
    call_command("generate_enterprise", "--employees", "500", "--prefix", "T", stdout=out)
    people = Employee.objects.filter(employee_no__startswith="T")
    assert people.count() == 500
    units = OrgUnit.objects.filter(code__startswith="T-")
    for unit in units.select_related("parent"):
        expected = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
        assert unit.path == expected
        assert unit.head_id is not None
    # Every person but the group's head reports to somebody in an enclosing unit.
    orphans = people.filter(line_manager__isnull=True)
    assert orphans.count() == 1
    assert RoleAssignment.objects.filter(unit__in=units, role="manager").count() == units.count()
    with pytest.raises(Exception, match="already exists"):
        call_command("generate_enterprise", "--employees", "5", "--prefix", "T", stdout=StringIO())
