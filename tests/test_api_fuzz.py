"""Full tier: property-based fuzzing of the whole API with schemathesis, per role of the cast
(issue 8, "what to build").

The schema is the app's own (drf-spectacular, as ``/api/schema/`` serves it). Each
operation is fuzzed through the WSGI application in-process, as each member of the cast
(an API token each) and as the anonymous visitor, with schemathesis' positive and negative
data. The ``{id}`` of a path is drawn from the rows that exist (inside and outside the
caller's scope, plus one that does not), so the fuzzer reaches real objects rather than
404s only. Every request runs in a savepoint rolled back after it: the world stays the same
from one example to the next.

Checks on every answer: no 5xx, the status code is documented for the operation, the
content type is the documented one, and a JSON body is valid against the documented
schema. Failures are collected (no shrinking, to bound the time) and reported at once with
the request that caused them; the per-role figures (operations, requests, failures) are
printed (``-s``) and written to ``SPM_TEST_FUZZ_REPORT`` when set.

Bounded: ``SPM_TEST_FUZZ_EXAMPLES`` positive examples per operation (default 2; one negative, and
one for the anonymous visitor, who is answered 401 whatever it sends) and a wall-clock
budget per role (``SPM_TEST_FUZZ_SECONDS``, default 20). Runs on PostgreSQL (the database the
app ships with; some failures are PostgreSQL's alone); without it the test skips, and
under ``SPM_REQUIRE_SERVICES=1`` fails.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.access import CAST, fresh, module_rows
from tests.conftest import need
from tests.matrix.world import with_actuals_and_letters
from tests.scorecard_world import World
from tests.test_api_matrix import SCHEMA, _model

pytestmark = pytest.mark.services

EXAMPLES = int(os.environ.get("SPM_TEST_FUZZ_EXAMPLES", "2"))
SECONDS = float(os.environ.get("SPM_TEST_FUZZ_SECONDS", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
NO_SUCH_ROW = 987654321


@dataclass
class Figures:
    role: str
    operations: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    cut_short: int = 0
    reached: set[str] = field(default_factory=set)

    def line(self) -> str:
        classes = Counter(f"{status // 100}xx" for status in self.statuses.elements())
        return (
            f"{self.role:16} operations {len(self.reached):3}/{self.operations:3}  "
            f"requests {self.requests:5}  "
            f"failures {len(self.failures):3}  {dict(sorted(classes.items()))}  "
            f"{self.seconds:5.1f} s"
            + (f"  ({self.cut_short} cut by time)" if self.cut_short else "")
        )


def _with_real_ids(raw: dict[str, Any]) -> dict[str, Any]:
    """The schema with each ``{id}`` path parameter limited to the stored rows of its model
    and one id that does not exist."""
    for path, operations in raw["paths"].items():
        if "{id}" not in path:
            continue
        model = _model(path)
        if model is None:
            continue
        ids = sorted(model._default_manager.values_list("pk", flat=True)[:40])
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {"type": "integer", "enum": [*ids, NO_SUCH_ROW]}
    return raw


@pytest.fixture(scope="module")
def world_rows(scorecard_world_rows: World, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(
        django_db_blocker, lambda: with_actuals_and_letters(scorecard_world_rows)
    )


@pytest.fixture
def world(world_rows: World, db: Any, settings: Any) -> World:
    settings.ALLOWED_HOSTS = ["*"]  # the WSGI client's host
    return fresh(world_rows)


@pytest.fixture(scope="module")
def api(world_rows: World, django_db_blocker: Any) -> Iterator[Any]:
    """The schema, loaded once for the module: schemathesis builds each operation's
    strategies once, and every role reuses them."""
    on_sqlite = os.environ.get("SPM_TEST_FUZZ_SQLITE") == "1"  # a quicker loop while fixing
    with django_db_blocker.unblock():
        need(connection.vendor == "postgresql" or on_sqlite, "PostgreSQL for the API fuzzing")
        raw = _with_real_ids(copy.deepcopy(SCHEMA))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    # As Django's test client does: the requests share the test's connection (and its
    # transaction), which the end of each request would otherwise close.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """Tracebacks of the exceptions the app turned into 500s."""
    seen: list[str] = []

    def record(sender: Any, request: Any, **kwargs: Any) -> None:
        seen.append(traceback.format_exc(limit=-6))

    got_request_exception.connect(record, dispatch_uid="test_api_fuzz")
    yield seen
    got_request_exception.disconnect(dispatch_uid="test_api_fuzz")


def _headers(world: World, role: str) -> dict[str, str]:
    member = world.cast.member(role)
    if member is None:
        return {}
    token, _created = Token.objects.get_or_create(user=member.user)
    return {"Authorization": f"Token {token.key}"}


def _takes_input(operation: Any) -> bool:
    """Whether the operation has a path or query parameter or a body, that negative data could
    get wrong (its other parameters are the credentials, which the test sends itself)."""
    return bool(operation.body or operation.path_parameters or operation.query)


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    headers: dict[str, str],
    figures: Figures,
    errors: list[str],
    deadline: float,
) -> None:
    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if time.monotonic() > deadline:
            return
        del errors[:]
        with transaction.atomic():
            response = case.call(headers=headers)
            figures.requests += 1
            figures.reached.add(operation.label)
            figures.statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:  # collect the failed checks; no shrinking
                for failure in group.exceptions:
                    key = f"{case.method} {operation.path} [{mode.value}] {failure.title}"
                    if key not in figures.failures:
                        sent = case.body if case.body is not NOT_SET else case.query
                        figures.failures[key] = (
                            f"{key}: {response.status_code} {response.text[:300]!r}\n"
                            f"  sent {case.formatted_path} {str(sent)[:200]}\n"
                            f"  {failure.message[:600]}" + (f"\n{errors[-1]}" if errors else "")
                        )
            transaction.set_rollback(True)

    with contextlib.suppress(Unsatisfiable):
        run()


@pytest.mark.parametrize("role", CAST)
def test_the_api_fuzzed_as_each_role_answers_no_5xx_and_what_its_schema_says(
    api: Any, world: World, errors: list[str], role: str
) -> None:
    figures = Figures(role)
    headers = _headers(world, role)
    started = time.monotonic()
    deadline = started + SECONDS
    operations = [result.ok() for result in api.get_all_operations()]
    # A different order per role: a run cut short by its time budget misses other operations.
    random.Random(role).shuffle(operations)
    for operation in operations:
        figures.operations += 1
        for mode in MODES:
            if mode is GenerationMode.NEGATIVE and not _takes_input(operation):
                continue  # nothing to send wrong: every draw is rejected (~0.5 s each)
            if time.monotonic() > deadline:
                figures.cut_short += 1
                continue
            # Negative data is dearer to generate and mostly refused early: one example;
            # the anonymous visitor is answered 401 whatever it sends: one example.
            full = mode is GenerationMode.POSITIVE and role != "anonymous"
            _fuzz(operation, mode, EXAMPLES if full else 1, headers, figures, errors, deadline)
    figures.seconds = time.monotonic() - started
    print("\n" + figures.line())
    report = os.environ.get("SPM_TEST_FUZZ_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(
                json.dumps(
                    {
                        "role": role,
                        "operations": figures.operations,
                        "reached": len(figures.reached),
                        "reached_operations": sorted(figures.reached),
                        "requests": figures.requests,
                        "failures": len(figures.failures),
                        "seconds": round(figures.seconds, 1),
                    }
                )
                + "\n"
            )
    assert not figures.failures, "\n\n".join(list(figures.failures.values())[:25])
