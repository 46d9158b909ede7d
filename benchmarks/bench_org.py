"""Server time of the org pages and endpoints on a large synthetic group.

    .venv/bin/python benchmarks/bench_org.py [--employees 100000] [--db /tmp/bench_org.sqlite3]

Builds the group once with ``generate_enterprise`` into a throwaway SQLite file (kept for
re-runs), then signs in as an HR user who sees the whole group and as a team head, and
prints the median server time of each page over several requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--db", default=str(ROOT / "var" / "bench_org.sqlite3"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from org import generate
    from org.models import Employee, OrgUnit, RoleAssignment
    from spm import registry

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if not OrgUnit.objects.filter(code="BENCH-GRP").exists():
        for name in registry.generators.names():  # the org part only
            registry.generators.unregister(name)
        started = time.perf_counter()
        generate.generate_enterprise(
            employees=args.employees, prefix="BENCH", progress=lambda s: None
        )
        print(
            f"generate_enterprise (org part) {args.employees}: "
            f"{time.perf_counter() - started:.1f} s"
        )
    group = OrgUnit.objects.get(code="BENCH-GRP")
    hr = Employee.objects.filter(unit=group).first()
    assert hr is not None
    RoleAssignment.objects.get_or_create(user=hr.user, role="hr", unit=group)
    team_head = Employee.objects.filter(unit__kind="team", job_title="Head of unit").first()
    assert team_head is not None
    plant = team_head.unit.parent
    for who, employee in (("HR (whole group)", hr), ("team head", team_head)):
        client = Client()
        client.force_login(employee.user)
        pages = {
            "org tree": "/org/",
            "tree children": f"/org/units/{(plant if employee == hr else employee.unit).pk}"
            "/children/",
            "unit page": f"/org/units/{team_head.unit_id}/",
            "directory": "/org/people/",
            "directory search": "/org/people/?q=Person+4711",
            "API employees": "/api/v1/employees/",
            "API org units": "/api/v1/org-units/",
        }
        print(f"\n{who}:")
        for name, url in pages.items():
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            status = response.status_code
            print(f"  {name:28} {statistics.median(times) * 1000:8.1f} ms  (HTTP {status})")


if __name__ == "__main__":
    main()
