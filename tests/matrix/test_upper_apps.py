"""The access matrix of the apps above the scorecard, cell by cell: every operation of the
assessment, reviews, incentives, light-up and notifications (and the jobs' detail) with
the answer each member of the cast gets on a row inside and one outside their scope, and
exactly which of the world's rows each member's list holds.

The generic matrix (``tests/test_api_matrix.py``) holds every operation to its scope
oracle (``restrict()``); these cells say, independently of it, who may *do* what: the
right role's write succeeds, a member who sees the row but may not make that change gets
403 (or 409 where the row's state refuses everybody), anyone who does not see it 404.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import transaction

from tests.matrix.cells import LISTS, ROLES, SHARED_LISTS, Cell, listed
from tests.matrix.cells_assessment import CELLS as ASSESSMENT
from tests.matrix.cells_reviews import CELLS as REVIEWS
from tests.matrix.world import Matrix
from tests.test_api_matrix import OPERATIONS

pytestmark = pytest.mark.django_db

CELLS = [*ASSESSMENT, *REVIEWS]
UPPER = re.compile(
    r"/api/v1/(assessment-|key-task|bars-|review|result-reviews|critical|feedback|interviews"
    r"|appeals|improvement|bonus|payout|base-bonus|what-if|light-|notifications|actual-imports/\{)"
)


def _is_list(path: str, method: str) -> bool:
    return method == "get" and "{" not in path and path.count("/") == 4


def test_every_operation_of_the_upper_apps_has_a_cell() -> None:
    lists = {("get", p) for p in {*LISTS, *SHARED_LISTS, "/api/v1/bars-anchors/",
                                  "/api/v1/review-policies/"}}  # fmt: skip
    ops = {(m, p) for p, m in OPERATIONS if UPPER.match(p)} - lists
    cells = {(c.method, c.path) for c in CELLS}
    assert sorted(ops - cells) == [], "give these operations a cell"
    assert sorted(cells - ops) == [], "these cells name no operation of the schema"
    assert len(ops) >= 65


def _send(client: Any, cell: Cell, url: str, body: dict[str, Any] | None) -> Any:
    if cell.method == "get":
        return client.get(url)
    data = json.dumps(body or {})
    return getattr(client, cell.method)(url, data, content_type="application/json")


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.method} {c.path}" for c in CELLS])
def test_each_member_gets_the_answer_of_the_cell(matrix: Matrix, cell: Cell) -> None:
    cast = matrix.world.cast
    wrong: dict[str, str] = {}
    for side in ("employee", "finance_clerk") if cell.mirrored else ("employee",):
        url = cell.url(matrix, side)
        expected = cell.expected(side)
        for role in ("anonymous", *ROLES):
            with transaction.atomic():
                body = cell.body(matrix, side) if cell.body else None
                response = _send(cast.client(role), cell, url, body)
                transaction.set_rollback(True)
            want = 401 if role == "anonymous" else expected[role]
            if response.status_code != want:
                wrong[f"{side}/{role}"] = f"{response.status_code} {response.content[:160]!r}"
    assert not wrong, f"{cell.method.upper()} {cell.path}: " + json.dumps(wrong, indent=1)


def _ids(client: Any, path: str) -> set[int]:
    response = client.get(path, {"page_size": 500})
    assert response.status_code == 200, (path, response.status_code)
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("path", sorted(LISTS))
def test_a_list_holds_the_rows_of_the_members_scope_and_no_other(matrix: Matrix, path: str) -> None:
    pick, code = LISTS[path]
    rows = {side: pick(matrix, side).pk for side in ("employee", "finance_clerk")}
    got = {
        role: {
            side for side, pk in rows.items() if pk in _ids(matrix.world.cast.client(role), path)
        }
        for role in ROLES
    }
    assert got == listed(code), path


@pytest.mark.parametrize("path", sorted(SHARED_LISTS))
def test_a_shared_list_holds_what_each_member_may_read(matrix: Matrix, path: str) -> None:
    pick, expected = SHARED_LISTS[path]
    rows = {name: row.pk for name, row in pick(matrix).items()}
    got = {
        role: {
            name for name, pk in rows.items() if pk in _ids(matrix.world.cast.client(role), path)
        }
        for role in ROLES
    }
    assert got == expected, path
