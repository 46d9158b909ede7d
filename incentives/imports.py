"""Import employees' base bonuses from CSV or XLSX, all or nothing, with a per-row report.

The file is read by the actuals import's reader (``scorecard.services.actuals_files.
read_table``: CSV in UTF-8 or GB18030, or the first sheet of an XLSX; spreadsheet line
numbers) and reported with its ``ImportReport`` / ``RowError``, so both imports answer
alike. Columns: ``employee_no`` and ``base_bonus`` (others are ignored). Every row is
checked first — the employee exists in the importer's HR scope and is not the importer, the
amount is a non-negative number with at most two decimals, the employee appears once — and
one bad row writes nothing. A good file updates only the bonuses that change, in one
transaction, with their history rows (who, when, before, after).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from org.models import Employee
from org.scoping import CHANGE, Actor, history_user, scope_of
from scorecard.services.actuals_files import ImportFileError, read_table
from scorecard.services.actuals_import import MAX_ROWS, ImportReport, RowError
from spm.clock import Clock
from spm.clock import clock as configured_clock

COLUMNS = ("employee_no", "base_bonus")
LIMIT = Decimal("999999999999.99")

__all__ = ["COLUMNS", "ImportFileError", "base_bonus_import"]


def _amount(text: str) -> tuple[Decimal | None, str | None]:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, _("The base bonus %(value)s is not a number.") % {"value": text}
    if not value.is_finite() or value < 0 or value > LIMIT:
        return None, _("The base bonus must be between 0 and %(limit)s.") % {"limit": LIMIT}
    if value != value.quantize(Decimal("0.01")):
        return None, _("The base bonus has more than two decimals.")
    return value.quantize(Decimal("0.01")), None


def base_bonus_import(
    *, actor: Actor, upload: IO[bytes], name: str, clock: Clock | None = None
) -> ImportReport:
    """Check every row, then write all of them in one transaction — or nothing."""
    table = list(read_table(upload.read(), name, required=COLUMNS))
    if len(table) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(n)s rows.") % {"n": MAX_ROWS})
    report = ImportReport(rows=len(table))
    me = scope_of(actor).employee_id
    numbers = {cells.get("employee_no", "") for _line, cells in table}
    with transaction.atomic():
        people = {
            e.employee_no: e
            for e in Employee.objects.restrict(actor, CHANGE).filter(employee_no__in=numbers)
        }
        seen: dict[str, int] = {}
        wanted: dict[str, Decimal] = {}
        for line, cells in table:
            problems = []
            number = cells.get("employee_no", "")
            person = people.get(number)
            if person is None:
                problems.append(
                    _("No employee %(number)s in your scope.") % {"number": number or "-"}
                )
            elif person.pk == me:
                problems.append(_("You cannot set your own base bonus; ask HR above."))
            if number in seen:
                problems.append(
                    _("Employee %(number)s is already on line %(line)s.")
                    % {"number": number, "line": seen[number]}
                )
            seen.setdefault(number, line)
            value, problem = _amount(cells.get("base_bonus", ""))
            if problem:
                problems.append(problem)
            if problems:
                report.errors.append(RowError(line=line, messages=problems))
            elif value is not None:
                wanted[number] = value
        if report.errors:
            return report
        changed = []
        for number, value in wanted.items():
            person = people[number]
            if person.base_bonus == value:
                report.unchanged += 1
                continue
            person.base_bonus = value
            changed.append(person)
        if changed:
            bulk_update_with_history(
                changed,
                Employee,
                ["base_bonus"],
                batch_size=500,
                default_user=history_user(actor),
                default_change_reason=_("Base bonus import"),
                default_date=(clock or configured_clock()).now(),
            )
        report.updated = len(changed)
    return report
