"""The pure rules: plain values in, plain values out, no database and no request.

``pytest tests/rules`` runs them alone in seconds. A test that needs the database belongs
with the integration tests one folder up; asking for it here is an error at collection.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "cast", "live_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE not in Path(str(item.path)).parents:
            continue
        wanted = DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or wanted:
            raise pytest.UsageError(
                f"{item.nodeid} uses the database ({sorted(wanted) or 'django_db'}): "
                "a rule test takes plain values; move it out of tests/rules"
            )


# The suite-wide fixtures of tests/conftest.py prepare Celery and media files for
# integration tests; the rules use neither.
@pytest.fixture(autouse=True)
def _tasks_in_process() -> None:
    return None


@pytest.fixture(autouse=True)
def _media_in_tmp() -> None:
    return None
