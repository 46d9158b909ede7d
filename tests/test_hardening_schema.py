"""Issue 8, finding 12 (schema): what the API answers is what its schema says — ``me``,
``my-targets`` and ``alignment`` are objects, not arrays, and names that can be empty are
marked nullable. Real answers are validated against the generated OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from scorecard.models import ItemKind, Milestone
from tests.conftest import Cast
from tests.factories_scorecard import IndicatorFactory, MilestoneFactory, ScorecardFactory
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.django_db


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable`` as JSON Schema (``null`` allowed too)."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def _validate(
    openapi: dict[str, Any], path: str, body: Any, method: str = "get", status: str = "200"
) -> None:
    response = openapi["paths"][path][method]["responses"][status]
    schema = response["content"]["application/json"]["schema"]
    root = {**_json_schema(schema), "components": _json_schema(openapi["components"])}
    errors = [e.message for e in Draft202012Validator(root).iter_errors(body)]
    assert errors == [], (path, errors[:3])


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/my-targets/", "/api/v1/alignment/"])
def test_single_object_answers_are_documented_as_objects(
    openapi: dict[str, Any], path: str
) -> None:
    response = openapi["paths"][path]["get"]["responses"]["200"]
    assert "$ref" in response["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "role,path",
    [
        ("employee", "/api/v1/me/"),
        ("hr", "/api/v1/me/"),
        ("employee", "/api/v1/my-targets/"),
        ("manager", "/api/v1/alignment/"),
        ("manager", "/api/v1/scorecards/"),
        ("manager", "/api/v1/milestones/"),
    ],
)
def test_answers_validate_against_the_schema(
    openapi: dict[str, Any], cast: Cast, role: str, path: str
) -> None:
    card = unit_scorecard(cast.engineering, year=2026)  # no employee: employee_name is null
    item = card.items.filter(kind=ItemKind.MILESTONE).first()
    if item is not None and not Milestone.objects.filter(item=item).exists():
        MilestoneFactory.create(item=item, responsible_unit=cast.engineering)
    response = cast.client(role).get(path, {"year": 2026})
    assert response.status_code == 200, response.content
    _validate(openapi, path, response.json())


# Found by fuzzing the API (tests/test_api_fuzz.py): answers the schema did not document.
@pytest.mark.parametrize(
    "method,path,status",
    [
        ("get", "/api/v1/actuals/", "404"),  # a forged ?cursor=
        ("get", "/api/v1/actuals/", "400"),  # a filter value it cannot use
        ("get", "/api/v1/alignment/", "404"),  # ?unit= out of scope
        ("get", "/api/v1/actual-imports/template/", "400"),  # no year
        ("delete", "/api/v1/strategic-plans/{id}/", "400"),  # an approved version
        ("post", "/api/v1/milestones/", "415"),  # a body in a type it does not read
    ],
)
def test_answers_found_by_fuzzing_are_documented(
    openapi: dict[str, Any], method: str, path: str, status: str
) -> None:
    assert status in openapi["paths"][path][method]["responses"]


def test_a_past_the_last_page_answers_what_the_schema_says(
    openapi: dict[str, Any], cast: Cast
) -> None:
    response = cast.client("hr").get("/api/v1/letters/", {"page": 99})
    assert response.status_code == 404
    _validate(openapi, "/api/v1/letters/", response.json(), status="404")


def test_a_forged_cursor_answers_what_the_schema_says(openapi: dict[str, Any], cast: Cast) -> None:
    response = cast.client("hr").get("/api/v1/actuals/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    _validate(openapi, "/api/v1/actuals/", response.json(), status="404")


def test_an_import_refused_before_reading_answers_what_the_schema_says(
    openapi: dict[str, Any], cast: Cast
) -> None:
    response = cast.client("hr").post("/api/v1/actual-imports/", {"file": ""})
    assert response.status_code == 400, response.content
    _validate(openapi, "/api/v1/actual-imports/", response.json(), "post", "400")


def test_evaluating_a_text_formula_answers_what_the_schema_says(
    openapi: dict[str, Any], cast: Cast
) -> None:
    indicator = IndicatorFactory.create(owner_unit=cast.group, formula="Counted by hand")
    url = f"/api/v1/indicators/{indicator.pk}/evaluate/"
    response = cast.client("hr").post(url, {"values": {}}, content_type="application/json")
    assert response.status_code == 400, response.content
    _validate(openapi, "/api/v1/indicators/{id}/evaluate/", response.json(), "post", "400")


def test_my_targets_with_my_own_scorecard_answers_what_the_schema_says(
    openapi: dict[str, Any], cast: Cast
) -> None:
    # Found by fuzzing: the scorecard in my-targets lacked item_count and weight_total.
    ScorecardFactory.create(unit=cast.engineering, employee=cast.employee, year=2026)
    response = cast.client("employee").get("/api/v1/my-targets/", {"year": 2026})
    assert response.status_code == 200, response.content
    assert response.json()["scorecard"] is not None
    _validate(openapi, "/api/v1/my-targets/", response.json())
