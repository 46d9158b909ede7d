"""Payout report export (CSV and XLSX), every text cell formula-neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from incentives.models import Payout
from spm.exports import safe_row


def header() -> list[str]:
    return [
        _("Unit"),
        _("Employee"),
        _("Grade"),
        _("Base bonus"),
        _("Coefficient"),
        _("Payout"),
        _("Explanation"),
        _("Pool"),
    ]


def row_of(p: Payout) -> list[Any]:
    return [
        p.unit.name,
        p.employee.name,
        p.grade,
        p.base,
        p.coefficient,
        p.amount,
        p.explanation.get("formula", ""),
        p.pool_unit.name if p.pool_unit else "",
    ]


def payouts_csv(rows: Iterable[Payout]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    for p in rows:
        writer.writerow(safe_row(row_of(p)))
    return buffer.getvalue()


def payouts_xlsx(rows: Iterable[Payout]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Payouts"))
    sheet.append(header())
    for p in rows:
        sheet.append(safe_row(row_of(p)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
