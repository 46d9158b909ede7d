"""Time of one all-or-nothing import of 10,000 monthly actuals.

    .venv/bin/python benchmarks/bench_actuals_import.py [--rows 10000]
        [--db /tmp/bench_actuals.sqlite3] [--database-url postgres://...]

Builds a unit head with one scorecard of ``rows / 10`` quantitative items in a fresh
database, then times ``actuals_import`` (the same call the page and the API make):

- a CSV of ``rows`` new values (January to October of every item): insert + history rows;
- the same rows again with every value changed: update + history rows;
- the same as XLSX, unchanged values (read and check only);
- a CSV whose last row is bad: every row checked, nothing written.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _csv(rows: list[list[object]]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["item_id", "year", "month", "value", "note"])
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def _xlsx(rows: list[list[object]]) -> io.BytesIO:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Actuals")
    sheet.append(["item_id", "year", "month", "value", "note"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--db", default="/tmp/bench_actuals.sqlite3")  # noqa: S108
    parser.add_argument(
        "--database-url", default="", help="e.g. a PostgreSQL URL instead of SQLite"
    )
    args = parser.parse_args()
    if not args.database_url:
        Path(args.db).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from org.models import Employee, OrgUnit, RoleAssignment
    from scorecard.models import ItemKind, MonthlyActual, Scorecard, ScorecardItem
    from scorecard.services.actuals_import import actuals_import

    call_command("migrate", verbosity=0)
    MonthlyActual.objects.all().delete()
    unit = OrgUnit.objects.create(code="BENCH-ACT", name="Bench unit", kind="department")
    unit.refresh_from_db()
    user = get_user_model().objects.create_user(username=f"bench-head-{unit.pk}")
    Employee.objects.create(
        user=user, employee_no=f"BA{unit.pk}", name="Head", unit=unit, job_title="Head"
    )
    RoleAssignment.objects.create(user=user, role="manager", unit=unit)
    scorecard = Scorecard.objects.create(unit=unit, year=2026)
    items = args.rows // 10
    ScorecardItem.objects.bulk_create(
        ScorecardItem(
            scorecard=scorecard, kind=ItemKind.QUANTITATIVE, name=f"KPI {n}", weight=Decimal("0.1")
        )
        for n in range(items)
    )
    ids = list(scorecard.items.values_list("pk", flat=True))
    rows = [
        [pk, 2026, month, f"{pk % 997}.{month}", "bench"] for pk in ids for month in range(1, 11)
    ]
    changed = [[pk, year, month, f"{value}1", note] for pk, year, month, value, note in rows]
    bad = [*rows[:-1], [rows[-1][0], 2026, 13, "1", ""]]

    def timed(label: str, upload: io.BytesIO, name: str) -> None:
        user_ = get_user_model().objects.get(pk=user.pk)  # a fresh scope, as per request
        started = time.perf_counter()
        report = actuals_import(actor=user_, upload=upload, name=name)
        elapsed = time.perf_counter() - started
        outcome = (
            f"{report.created} new, {report.updated} changed, {report.unchanged} unchanged"
            if report.ok
            else f"refused, {len(report.errors)} bad row(s) at line {report.errors[0].line}"
        )
        print(f"  {label:42} {elapsed:6.2f} s  ({outcome})")

    engine = django.db.connection.vendor
    print(f"actuals import of {len(rows):,} rows ({items:,} items x 10 months) on {engine}:")
    timed("CSV, all new (insert + history)", _csv(rows), "new.csv")
    timed("CSV, every value changed (update + history)", _csv(changed), "changed.csv")
    timed("XLSX, nothing changed (read + check)", _xlsx(changed), "same.xlsx")
    before = MonthlyActual.history.count()
    timed("CSV, last row bad (check, write nothing)", _csv(bad), "bad.csv")
    assert MonthlyActual.history.count() == before
    print(f"  rows stored: {MonthlyActual.objects.count():,}, history rows: {before:,}")


if __name__ == "__main__":
    main()
