"""Mass assignment on the accepted path: every write of the cell tables, sent by each
member whose write succeeds, with the honest body of its cell plus every field the schema
marks read-only (status, owner, proposer, decider, version, stamps, scores, amounts) set to
a value no honest write stores. The write must still be answered as the cell says (the
extra fields ignored) or refused with a 400; either way the stored rows must not take them.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.db import transaction

from tests.matrix.cells import ROLES, Cell
from tests.matrix.test_upper_apps import CELLS
from tests.matrix.world import Matrix
from tests.test_api_matrix import _hostile, _model, _model_value, _read_only, _taken

pytestmark = pytest.mark.django_db

# Writes that take a body and answer a stored model (a sweep or a reviewer change answers
# a job or a list of slots: nothing of theirs to assign).
WRITES = [
    c
    for c in CELLS
    if c.method in {"post", "put", "patch"} and c.body is not None and _model(c.path) is not None
]
RAN: Counter[str] = Counter()


def _accepting(cell: Cell) -> list[str]:
    expected = cell.expected("employee")
    return [role for role in ROLES if 200 <= expected[role] < 300]


def test_most_writes_have_a_member_whose_write_succeeds() -> None:
    accepted = [c for c in WRITES if _accepting(c)]
    assert len(accepted) >= 25, len(accepted)


@pytest.mark.parametrize("cell", WRITES, ids=[f"{c.method} {c.path}" for c in WRITES])
def test_an_accepted_write_does_not_store_the_read_only_fields(matrix: Matrix, cell: Cell) -> None:
    model = _model(cell.path)
    read_only = _read_only(cell.path, cell.method)
    assert model is not None and cell.body is not None
    for role in _accepting(cell):
        url = cell.url(matrix, "employee")
        with transaction.atomic():
            ids = cell.ids(matrix, "employee")
            row = model._default_manager.get(pk=ids[0]) if ids else None
            hostile = {
                name: value
                for name, field in read_only.items()
                if (value := _hostile(field, _model_value(row, name) if row else None, action=True))
                is not None
            }
            body = {**cell.body(matrix, "employee"), **hostile}
            before = set(model._default_manager.values_list("pk", flat=True))
            client = matrix.world.cast.client(role)
            response = getattr(client, cell.method)(
                url, json.dumps(body), content_type="application/json"
            )
            wanted = cell.expected("employee")[role]
            assert response.status_code in {wanted, 400}, (role, url, response.content[:300])
            touched = [row.pk] if row is not None else []
            touched += model._default_manager.exclude(pk__in=before).values_list("pk", flat=True)
            for stored in model._default_manager.filter(pk__in=touched):
                took = [n for n, v in hostile.items() if _taken(_model_value(stored, n), v)]
                assert took == [], (role, url, response.status_code, took)
            transaction.set_rollback(True)
        RAN["accepted" if response.status_code == wanted else "refused"] += 1
        RAN["fields"] += len(hostile)


def test_the_mass_assignment_cells_ran() -> None:
    """Run last (``-p no:randomly``): how many writes were sent, and with how many fields."""
    print(f"mass assignment on the accepted path: {dict(RAN)}")
