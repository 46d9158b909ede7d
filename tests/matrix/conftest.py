"""The matrix world, built once per module on the module's cast (see ``world.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.access import fresh, module_rows
from tests.matrix.world import Matrix, build_matrix


@pytest.fixture(scope="module")
def matrix_rows(scorecard_world_rows: Any, django_db_blocker: Any) -> Iterator[Matrix]:
    yield from module_rows(django_db_blocker, lambda: build_matrix(scorecard_world_rows))


@pytest.fixture
def matrix(matrix_rows: Matrix, db: Any) -> Matrix:
    return fresh(matrix_rows)
