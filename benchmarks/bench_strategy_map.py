"""Server time of the strategy map with 60 objectives.

    .venv/bin/python benchmarks/bench_strategy_map.py [--objectives 60] [--repeat 15]

Builds a small synthetic group and two approved plans — one with ``--objectives``
objectives, one with 10 — in a throwaway SQLite file, signs in as an executive and an
employee, and prints the median server time of the map page, its exports, the API map and
the executive dashboard. It also checks that the map page costs the same number of
queries for both plans (the N+1 guard the tests assert too) and exits non-zero if not.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(client: Any, url: str, repeat: int) -> tuple[float, int]:
    client.get(url)  # warm up templates and caches
    times = []
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        status = response.status_code
    return statistics.median(times) * 1000, status


def _queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objectives", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench_strategy_")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/db.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from org import generate
    from org.models import Employee, OrgUnit, RoleAssignment
    from spm import registry
    from spm.clock import clock
    from strategy.generate import build_plan

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    for name in registry.generators.names():  # the org part only
        registry.generators.unregister(name)
    generate.generate_enterprise(employees=800, prefix="BENCH", progress=lambda s: None)
    group = OrgUnit.objects.get(code="BENCH-GRP")
    owners = list(
        OrgUnit.objects.filter(path__startswith=group.path, depth__in=[1, 2]).order_by("path")
    )
    now = clock().now()
    big = build_plan(
        group=group,
        units=owners,
        objectives=args.objectives,
        name="Big",
        start_year=now.year,
        approved_at=now,
    )
    small = build_plan(
        group=group,
        units=owners,
        objectives=10,
        name="Small",
        start_year=now.year - 10,
        approved_at=now,
        seed=2,
    )
    executive = Employee.objects.filter(unit=group).first()
    assert executive is not None
    RoleAssignment.objects.get_or_create(user=executive.user, role="executive", unit=group)
    employee = Employee.objects.filter(unit__kind="team").exclude(pk=executive.pk).first()
    assert employee is not None

    print(
        f"plan with {big.objectives.count()} objectives and {big.links.count()} links "
        f"(SQLite, {workdir})"
    )
    failures = 0
    for who, person in (("executive", executive), ("employee", employee)):
        client = Client()
        client.force_login(person.user)
        big_map, small_map = f"/strategy/plans/{big.pk}/map/", f"/strategy/plans/{small.pk}/map/"
        q_big, q_small = _queries(client, big_map), _queries(client, small_map)
        verdict = "constant" if q_big == q_small else "NOT CONSTANT"
        failures += q_big != q_small
        print(f"\n{who}: map page queries {q_small} (10 objectives) / {q_big} ({verdict})")
        pages = {
            "map page": big_map,
            "map SVG export": f"/strategy/plans/{big.pk}/map.svg",
            "map PDF export": f"/strategy/plans/{big.pk}/map.pdf",
            "API map": f"/api/v1/strategic-plans/{big.pk}/map/",
            "plan page": f"/strategy/plans/{big.pk}/",
        }
        if who == "executive":
            pages["home (strategy dashboard)"] = "/"
        for name, url in pages.items():
            ms, status = _median_ms(client, url, args.repeat)
            print(f"  {name:32} {ms:8.1f} ms median of {args.repeat}  (HTTP {status})")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
