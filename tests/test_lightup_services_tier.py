"""The light-up sweep in a real Celery worker on Redis and PostgreSQL (the full tier).

The same month computed by the worker gives exactly the rows of the in-process run; a
second run sends no duplicate; a worker killed (SIGKILL) in the middle of a sweep leaves
whole chunks behind, and a new worker running the sweep again ends with the same rows and
no duplicate notification.
"""

from __future__ import annotations

import signal
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from lightup.models import LightStatus
from lightup.sweep import unit_chunks
from lightup.tally import lock_units
from lightup.tasks import lightup_sweep_month
from notifications.models import Notification
from org.models import OrgUnit
from scorecard.models import ActualStatus, ItemKind, MonthlyActual, Scorecard, ScorecardItem
from spm.celery import app as celery_app
from tests.conftest import Cast
from tests.factories import OrgUnitFactory, make_manager
from tests.test_services_tier import (  # noqa: F401 (fixtures)
    no_shared_worker,
    own_celery_worker,
    shared_worker,
    start_worker,
    wait_until,
)

pytestmark = pytest.mark.services

YEAR, MONTH = 2026, 6
UNITS, ITEMS = 40, 25  # 1,000 items
CHUNK = 50  # 20 chunks, so that a kill lands between two of them


def build(cast: Cast) -> int:
    """``UNITS`` units under Engineering, each headed and with ``ITEMS`` items whose
    actuals spread over every colour (and one in five missing June)."""
    items: list[ScorecardItem] = []
    for n in range(UNITS):
        unit: OrgUnit = OrgUnitFactory(  # type: ignore[assignment]
            parent=cast.engineering, name=f"Crew {n}"
        )
        make_manager(unit)
        card = Scorecard.objects.create(unit=unit, year=YEAR)
        items += [
            ScorecardItem(
                scorecard=card,
                kind=ItemKind.QUANTITATIVE,
                name=f"Item {n}-{i}",
                weight=Decimal(4),
                target=Decimal(1200),
            )
            for i in range(ITEMS)
        ]
    created = ScorecardItem.objects.bulk_create(items)
    actuals = [
        MonthlyActual(
            item=row, month=m, value=Decimal(70 + (k * 7) % 40), status=ActualStatus.APPROVED
        )
        for k, row in enumerate(created)
        for m in range(1, MONTH + (0 if k % 5 == 0 else 1))
    ]
    MonthlyActual.objects.bulk_create(actuals, batch_size=2000)
    # No addresses: the worker's console e-mails would fill the pipe this test holds (the
    # e-mail path has its own tests).
    get_user_model().objects.update(email="")
    return len(created)


def rows() -> list[tuple[Any, ...]]:
    fields = [f.name for f in LightStatus._meta.fields if f.name not in {"id", "computed_at"}]
    return list(LightStatus.objects.order_by("item_id", "month").values_list(*fields))


def messages() -> list[tuple[Any, ...]]:
    return list(
        Notification.objects.order_by("recipient_id", "dedupe_key").values_list(
            "recipient_id", "kind", "dedupe_key", "params"
        )
    )


def clear() -> None:
    LightStatus.objects.all().delete()
    Notification.objects.all().delete()


def run_in_worker(worker: subprocess.Popen[bytes], timeout: float = 120) -> None:
    result = lightup_sweep_month.delay(YEAR, MONTH, None, CHUNK)
    try:
        result.get(timeout=timeout)
    except Exception:
        worker.terminate()
        print("WORKER OUTPUT", worker.communicate(timeout=30)[0].decode()[-8000:])
        raise


@pytest.fixture
def lightup_world(cast: Cast, transactional_db: Any) -> int:
    return build(cast)


def test_worker_sweep_equals_in_process_and_never_duplicates(
    lightup_world: int,
    own_celery_worker: subprocess.Popen[bytes],  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    celery_worker = own_celery_worker  # killed below: a worker of its own
    celery_app.conf.task_always_eager = True
    lightup_sweep_month(YEAR, MONTH, None, CHUNK)  # in-process
    celery_app.conf.task_always_eager = False
    expected_rows, expected_messages = rows(), messages()
    assert len(expected_rows) == lightup_world
    assert {r[3] for r in expected_rows} >= {"green", "yellow", "red", "grey"}
    assert expected_messages

    clear()
    run_in_worker(celery_worker)
    assert rows() == expected_rows
    assert messages() == expected_messages

    run_in_worker(celery_worker)  # a second run sends nothing twice
    assert rows() == expected_rows
    assert messages() == expected_messages

    # Killed in the middle of a sweep: some chunks committed, not all. The test holds the
    # lock every chunk takes first (lock_units) on the units of all chunks but the first, so
    # the worker commits the first chunk and then waits: the kill lands mid-sweep however
    # fast the worker runs (unlocked, it could finish the month between two polls).
    clear()
    chunks = unit_chunks(YEAR, None, CHUNK)
    assert len(chunks) > 2
    celery_worker.send_signal(0)  # still alive
    with transaction.atomic():
        lock_units([unit for chunk in chunks[1:] for unit in chunk])
        lightup_sweep_month.delay(YEAR, MONTH, None, CHUNK)
        wait_until(lambda: LightStatus.objects.exists(), 60, "the first chunk")
        celery_worker.send_signal(signal.SIGKILL)
        celery_worker.wait(timeout=30)
        first = ScorecardItem.objects.filter(scorecard__year=YEAR, scorecard__unit__in=chunks[0])
    partial = LightStatus.objects.count()
    assert 0 < partial < lightup_world, partial
    assert partial == first.count()  # the first chunk, whole

    replacement = start_worker(tmp_path / "media2")
    try:
        wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), 60, "the new worker")
        run_in_worker(replacement)  # the beat (or an operator) runs the month again
        assert rows() == expected_rows
        assert messages() == expected_messages
    finally:
        replacement.terminate()
        replacement.communicate(timeout=30)
