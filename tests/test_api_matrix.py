"""The access matrix, generated from the OpenAPI schema: every operation x the role cast x
an object inside and one outside each member's scope (issue 8, "what to build").

For each operation the scope oracle is independent of the viewset: the model's own
``restrict(user, VIEW)`` (org scoping), or an explicit rule in :data:`UNSCOPED` /
:data:`OWN`. What is asserted:

* anonymous: 401 everywhere;
* an object outside the member's scope: 404 for every method (read or write), never 403,
  200 or a 5xx — the 404-not-403 rule, writes included;
* an object inside: a read is 200, a write (with an empty body) no 5xx;
* a list holds exactly the rows inside the member's scope (the ids equal ``restrict()``'s);
* operations without an object (``me``, imports, exports …): no 5xx;
* mass assignment: every write that takes a JSON body, sent by every member on a row it
  sees (a clone of that row for a create) with each field the schema marks read-only
  (status, owner, approver, version, stamps, scores …) set to a value no honest write
  stores: the stored rows must not take them (ignored or refused both pass).

An operation the table cannot place (a new endpoint on a model with no scope oracle and no
rule here) fails :func:`test_every_operation_has_an_expectation`, so no endpoint escapes.
The world is ``tests/matrix/world.py``: the scorecard world plus rows of every app above
it (cycles and results, decisions, reviews, appeals, plans, payouts, light statuses,
notifications, jobs) inside and outside each member's scope; ``tests/matrix/`` holds the
cell-by-cell expectations of those apps. The summary test prints how many cells ran (``-s``;
"no row" counts member x operation pairs that only met a nonexistent id).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Model, QuerySet
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from incentives.tasks import WHATIF_KIND
from lightup.selectors import latest_period
from org.scoping import VIEW, scope_of
from scorecard.tasks import IMPORT_KIND
from tests.access import MEMBERS, fresh, module_rows
from tests.matrix.world import build_matrix
from tests.scorecard_world import World

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Models any signed-in member reads whole (reference data, the calendar of closed months).
UNSCOPED = {"ClosedPeriod", "Perspective"}
# Models a member reads only their own rows of: model -> the user lookup.
OWN = {"Notification": "recipient", "Job": "created_by", "SavedFilter": "user"}
# Group-wide terms read whole by the holders of these roles, by nobody else.
BY_ROLE = {"BonusScheme": ("hr", "executive", "admin")}
NO_ROW: set[str] = set()
RAN: Counter[str] = Counter()


# The app's OpenAPI document, as ``/api/schema/`` serves it (also fuzzed by test_api_fuzz).
SCHEMA: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [(path, m) for path, ops in SCHEMA["paths"].items() for m in ops if m in METHODS]


def _fill(path: str, pk: object) -> str:
    """``path`` with ``{id}`` set to ``pk`` and any nested parameter (``{action_id}``) to 1."""
    return re.sub(r"\{[a-z_]+\}", "1", path.replace("{id}", str(pk)))


def _model(path: str) -> type[Model] | None:
    """The model behind ``path`` (its viewset's queryset), or ``None`` for an operation
    that answers no stored object (``me``, an import, an export)."""
    match = resolve(_fill(path, 1))
    view = getattr(match.func, "cls", None)
    if view is None or not hasattr(view, "get_queryset"):
        return None
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _narrowed(path: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """``rows`` limited to what the operation at ``path`` answers (one kind of job, the
    forecasts of the latest swept month), before any scope."""
    if path.startswith("/api/v1/actual-imports/"):
        return rows.filter(kind=IMPORT_KIND)
    if path.startswith("/api/v1/what-if-jobs/"):
        return rows.filter(kind=WHATIF_KIND)
    if path == "/api/v1/light-statuses/forecasts/":
        year, month = latest_period() or (0, 0)
        return rows.filter(predicted_miss=True, year=year, month=month)
    return rows


def _visible(model: type[Model], user: Any, path: str = "") -> QuerySet[Any]:
    return _narrowed(path, _in_scope(model, user))


def _in_scope(model: type[Model], user: Any) -> QuerySet[Any]:
    name = model.__name__
    if name in UNSCOPED:
        return model._default_manager.all()
    if name in OWN:
        return model._default_manager.filter(**{OWN[name]: user})
    if name in BY_ROLE:
        holds = scope_of(user).has_role(*BY_ROLE[name])
        return model._default_manager.all() if holds else model._default_manager.none()
    return model._default_manager.all().restrict(user, VIEW)  # type: ignore[attr-defined]


def _oracle(model: type[Model] | None) -> bool:
    if model is None:
        return True
    name = model.__name__
    return (
        name in UNSCOPED
        or name in OWN
        or name in BY_ROLE
        or hasattr(model._default_manager.all(), "restrict")
    )


def _user(cast: Any, role: str) -> Any:
    member = cast.member(role)
    assert member is not None, role
    return member.user


def test_every_operation_has_an_expectation() -> None:
    unplaced = [(p, m) for p, m in OPERATIONS if "{id}" in p and not _oracle(_model(p))]
    assert unplaced == [], "add a scope rule for these operations to the access matrix"
    assert len(OPERATIONS) >= 100


def _call(client: Any, method: str, url: str) -> Any:
    if method == "get":
        return client.get(url, {"page_size": 500})
    return getattr(client, method)(url, json.dumps({}), content_type="application/json")


@pytest.fixture(scope="module")
def world_rows(scorecard_world_rows: World, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module; every cell runs in its own savepoint on deep copies."""
    yield from module_rows(django_db_blocker, lambda: build_matrix(scorecard_world_rows).world)


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_the_operation_answers_each_member_by_scope(world: World, path: str, method: str) -> None:
    cast = world.cast
    model = _model(path)
    anonymous = _call(cast.client("anonymous"), method, _fill(path, 1))
    assert anonymous.status_code == 401, (path, method, anonymous.status_code)
    RAN["anonymous"] += 1
    for role in MEMBERS:
        # Each member meets the world as built: what an earlier member's write removed or
        # changed is rolled back, so every member's delete meets a real row.
        with transaction.atomic():
            _member_answers(cast, role, model, path, method)
            transaction.set_rollback(True)


def _member_answers(cast: Any, role: str, model: Any, path: str, method: str) -> None:
    """One member's answers to the operation: on an object outside and one inside their
    scope (or, without an object, the operation's answer)."""
    user = _user(cast, role)
    client = cast.client(role)
    if "{id}" not in path or model is None:
        response = _call(client, method, _fill(path, 1))
        assert response.status_code < 500, (role, path, method, response.content[:300])
        is_json = response.get("Content-Type", "").startswith("application/json")
        if method == "get" and model is not None and response.status_code == 200 and is_json:
            body = response.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            ids = {row["id"] for row in rows if isinstance(row, dict) and "id" in row}
            in_scope = set(_visible(model, user, path).values_list("pk", flat=True))
            assert ids == in_scope, (
                role,
                path,
                sorted(ids - in_scope)[:5],
                sorted(in_scope - ids)[:5],
            )
            RAN["list"] += 1
        else:
            RAN["no object"] += 1
        return
    visible = _visible(model, user, path)
    outside = model._default_manager.exclude(pk__in=visible.values("pk")).first()
    inside = visible.first()
    if outside is None and inside is None:  # no row: only a nonexistent id, above
        RAN["no row"] += 1
        NO_ROW.add(f"{method} {path}")
    if outside is not None:
        url = _fill(path, outside.pk)
        response = _call(client, method, url)
        assert response.status_code == 404, (role, url, method, response.status_code)
        RAN["outside"] += 1
    if inside is not None:
        url = _fill(path, inside.pk)
        response = _call(client, method, url)
        if method == "get":
            assert response.status_code == 200, (role, url, response.content[:300])
        else:  # a write the member may not make may be 403, or 404 out of CHANGE scope
            assert response.status_code < 500, (role, url, method, response.content[:300])
        RAN["inside"] += 1


# --- Mass assignment ------------------------------------------------------------------------
# Every write that takes a body, sent by every member with the fields the schema marks
# read-only (status, owner, approver, version, stamps, scores …) set to values no honest
# write would store: the stored row must not take them (ignored or refused, both pass).
WRITES = [
    (path, m)
    for path, m in OPERATIONS
    if m in {"post", "put", "patch"}
    and "application/json" in SCHEMA["paths"][path][m].get("requestBody", {}).get("content", {})
]
HOSTILE_TEXT = "mass-assigned"


def _component(schema: dict[str, Any] | None) -> dict[str, Any]:
    ref = (schema or {}).get("$ref", "")
    return SCHEMA["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}


def _json_schema(path: str, method: str, where: str) -> dict[str, Any]:
    operation = SCHEMA["paths"][path][method]
    if where == "request":
        content = operation["requestBody"]["content"]["application/json"]
    else:
        ok = [r for c, r in operation["responses"].items() if c.startswith("2")]
        content = ok[0].get("content", {}).get("application/json", {}) if ok else {}
    return _component(content.get("schema"))


def _read_only(path: str, method: str) -> dict[str, dict[str, Any]]:
    """The response's read-only fields the request does not take: name -> JSON schema."""
    response = _json_schema(path, method, "response").get("properties", {})
    request = _json_schema(path, method, "request").get("properties", {})
    return {
        name: field
        for name, field in response.items()
        if field.get("readOnly") and name not in request and name != "id"
    }


def _model_value(row: Model, name: str) -> Any:
    try:
        field = row._meta.get_field(name)
    except Exception:
        return _NOT_A_COLUMN
    if not getattr(field, "concrete", False):  # a reverse relation (a plan's actions)
        return _NOT_A_COLUMN
    return getattr(row, field.attname, _NOT_A_COLUMN)  # type: ignore[union-attr]


_NOT_A_COLUMN = object()


def _hostile(field: dict[str, Any], current: Any, *, action: bool) -> Any:
    """A value for a read-only field that no honest write would store."""
    kind, fmt = field.get("type"), field.get("format")
    if kind == "integer":
        return (current if isinstance(current, int) else 0) + 1000
    if kind == "boolean":  # an action (sign, lock …) may set a flag itself
        return None if action else not bool(current)
    if kind == "string" and fmt == "date":
        return "2001-02-03"
    if kind == "string" and fmt == "date-time":
        return "2001-02-03T04:05:06Z"
    if kind == "string" and fmt == "decimal":
        return "4321.5"
    if kind == "string" or "allOf" in field or "enum" in field:
        return HOSTILE_TEXT
    return None


def _taken(stored: Any, hostile: Any) -> bool:
    """Whether the stored value is the hostile one."""
    if stored is _NOT_A_COLUMN or stored is None:
        return False
    if isinstance(stored, Decimal | bool | int):
        return bool(stored == type(stored)(hostile))
    text = str(stored).removesuffix("+00:00").replace(" ", "T")
    return text in {str(hostile), str(hostile).removesuffix("Z")}


def _clone(client: Any, path: str, method: str, row: Model) -> dict[str, Any]:
    """A body for the write: what the API reads of ``row``, limited to what the write takes
    (so a create or a full update can pass validation), at the row's current version."""
    takes = _json_schema(path, method, "request").get("properties", {})
    detail = next(
        (p for p, _m in OPERATIONS if p.endswith("{id}/") and _model(p) is type(row)), None
    )
    shown = client.get(_fill(detail, row.pk)) if detail else None
    body = shown.json() if shown is not None and shown.status_code == 200 else {}
    body = {k: v for k, v in body.items() if k in takes and not takes[k].get("readOnly")}
    if "version" in takes and hasattr(row, "version"):
        body["version"] = row.version
    return body


@pytest.mark.parametrize("path,method", WRITES, ids=[f"{m} {p}" for p, m in WRITES])
def test_a_write_does_not_store_the_read_only_fields_it_is_sent(
    world: World, path: str, method: str
) -> None:
    model = _model(path)
    read_only = _read_only(path, method)
    if model is None or not read_only:
        RAN["mass assignment: nothing read-only to send"] += 1
        return
    action = re.fullmatch(r"/api/v1/[a-z-]+/(\{id\}/)?", path) is None
    for role in MEMBERS:
        user = _user(world.cast, role)
        client = world.cast.client(role)
        row = _visible(model, user, path).order_by("pk").first()
        if row is None:
            continue
        hostile = {
            name: value
            for name, field in read_only.items()
            if (value := _hostile(field, _model_value(row, name), action=action)) is not None
        }
        body = {**_clone(client, path, method, row), **hostile}
        url = _fill(path, row.pk)
        before = set(model._default_manager.values_list("pk", flat=True))
        with transaction.atomic():
            response = getattr(client, method)(
                url, json.dumps(body), content_type="application/json"
            )
            assert response.status_code < 500, (role, method, url, response.content[:300])
            touched = [row.pk] if "{id}" in path else []
            touched += model._default_manager.exclude(pk__in=before).values_list("pk", flat=True)
            for stored in model._default_manager.filter(pk__in=touched):
                took = [n for n, v in hostile.items() if _taken(_model_value(stored, n), v)]
                assert took == [], (role, method, url, response.status_code, took)
            transaction.set_rollback(True)
        RAN[f"mass assignment: {'accepted' if response.status_code < 300 else 'refused'}"] += 1
        RAN["mass assignment cells"] += len(hostile)


def test_the_matrix_ran(world: World) -> None:
    """Run last (``-p no:randomly`` keeps file order): the cells the matrix exercised."""
    print(f"access matrix: {len(OPERATIONS)} operations; cells run: {dict(RAN)}")
    print("operations that met only a nonexistent id:", *sorted(NO_ROW), sep="\n  ")
