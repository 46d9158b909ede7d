"""The access matrix, generated from the OpenAPI schema: every operation x the role cast x
an object inside and one outside each member's scope (issue 8, "what to build").

For each operation the scope oracle is independent of the viewset: the model's own
``restrict(user, VIEW)`` (org scoping), or an explicit rule in :data:`UNSCOPED` /
:data:`OWN`. What is asserted:

* anonymous: 401 everywhere;
* an object outside the member's scope: 404 for every method (read or write), never 403,
  200 or a 5xx — the 404-not-403 rule, writes included;
* an object inside: a read is 200, a write (with an empty body) no 5xx;
* a list holds only rows inside the member's scope;
* operations without an object (``me``, imports, exports …): no 5xx.

An operation the table cannot place (a new endpoint on a model with no scope oracle and no
rule here) fails :func:`test_every_operation_has_an_expectation`, so no endpoint escapes.
The world is ``tests/scorecard_world.py`` plus one actual and one letter; the summary test
prints how many cells ran (``-s``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Model, QuerySet
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from org.scoping import VIEW, scope_of
from scorecard.tasks import IMPORT_KIND
from spm.models import Job
from tests.access import MEMBERS, fresh, module_rows
from tests.factories_tracking import ActualFactory, LetterFactory
from tests.scorecard_world import World

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Models any signed-in member reads whole (reference data, the calendar of closed months).
UNSCOPED = {"ClosedPeriod", "Perspective"}
# Models a member reads only their own rows of: model -> the user lookup.
OWN = {"Notification": "recipient", "Job": "created_by", "SavedFilter": "user"}
# Group-wide terms read whole by the holders of these roles, by nobody else.
BY_ROLE = {"BonusScheme": ("hr", "executive", "admin")}
RAN: Counter[str] = Counter()


def _operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(path, m) for path, ops in schema["paths"].items() for m in ops if m in METHODS]


OPERATIONS = _operations()


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
        return queryset.model  # type: ignore[no-any-return]
    serializer = getattr(view, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def _visible(model: type[Model], user: Any) -> QuerySet[Any]:
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


def test_every_operation_has_an_expectation() -> None:
    unplaced = [(p, m) for p, m in OPERATIONS if "{id}" in p and not _oracle(_model(p))]
    assert unplaced == [], "add a scope rule for these operations to the access matrix"
    assert len(OPERATIONS) >= 100


def _call(client: Any, method: str, url: str) -> Any:
    if method == "get":
        return client.get(url, {"page_size": 500})
    return getattr(client, method)(url, json.dumps({}), content_type="application/json")


def with_actuals_and_letters(world: World) -> World:
    # One actual in Engineering and one letter in Finance, as the services leave them.
    ActualFactory.create(item=world.items["engineering"], month=1)
    ActualFactory.create(item=world.items["finance"], month=1)
    LetterFactory.create(scorecard=world.cards["finance"])
    LetterFactory.create(scorecard=world.cards["engineering"])
    # A background import of the manager's and one of HR's: a job is its starter's alone.
    for role in ("manager", "hr"):
        Job.objects.create(kind=IMPORT_KIND, created_by=getattr(world.cast, role).user)
    return world


@pytest.fixture(scope="module")
def world_rows(scorecard_world_rows: World, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module; every cell runs in its own savepoint on deep copies."""
    yield from module_rows(
        django_db_blocker, lambda: with_actuals_and_letters(scorecard_world_rows)
    )


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
        user = cast.member(role).user
        client = cast.client(role)
        if "{id}" not in path or model is None:
            response = _call(client, method, _fill(path, 1))
            assert response.status_code < 500, (role, path, method, response.content[:300])
            is_json = response.get("Content-Type", "").startswith("application/json")
            if method == "get" and model is not None and response.status_code == 200 and is_json:
                body = response.json()
                rows = body.get("results", body) if isinstance(body, dict) else body
                ids = {row["id"] for row in rows if isinstance(row, dict) and "id" in row}
                visible = set(_visible(model, user).values_list("pk", flat=True))
                assert ids <= visible, (role, path, sorted(ids - visible)[:5])
                RAN["list"] += 1
            else:
                RAN["no object"] += 1
            continue
        visible = _visible(model, user)
        outside = model._default_manager.exclude(pk__in=visible.values("pk")).first()
        inside = visible.first()
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


def test_the_matrix_ran(world: World) -> None:
    """Run last (``-p no:randomly`` keeps file order): the cells the matrix exercised."""
    print(f"access matrix: {len(OPERATIONS)} operations; cells run: {dict(RAN)}")
