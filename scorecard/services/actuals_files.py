"""The files of an actuals import: reading an uploaded CSV or XLSX table, and writing the
template a user downloads to fill in.

Columns are named by the header row (``item_id``, ``year``, ``month``, ``value``, optional
``note``; any other column is ignored), so a template keeps descriptive columns for people.
Line numbers are those a spreadsheet shows, so the import report can name them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from org.scoping import Actor
from scorecard.selectors.actuals import template_items
from spm.exports import safe_row

REQUIRED = ("item_id", "year", "month", "value")
COLUMNS = ("item_id", "scorecard", "item", "unit_of_measure", "year", "month", "value", "note")
MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (format, header, size)."""


# --- Reading ---------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores 12.3 as a float; repr gives the shortest text that reads back the same.
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GB18030 text."))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    for cells in reader:
        yield reader.line_num, [c.strip() for c in cells]


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(c) for c in cells]
    finally:
        book.close()


def read_table(
    upload: IO[bytes], name: str, required: tuple[str, ...] = REQUIRED
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, {column: text})`` for each non-empty data row of a CSV or XLSX file
    whose header names the ``required`` columns (the actuals' by default; the incentives'
    base-bonus import names its own)."""
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    elif lowered.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    header: list[str] | None = None
    for line, cells in rows:
        if not any(cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFileError(
                    _("Line %(line)s: the header lacks the column(s) %(columns)s.")
                    % {"line": line, "columns": ", ".join(missing)}
                )
            continue
        yield line, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
    if header is None:
        raise ImportFileError(_("The file is empty."))


# --- Template --------------------------------------------------------------------------


def import_template(
    *, actor: Actor, year: int, month: int | None, fmt: str
) -> tuple[bytes, str, str]:
    """A file listing every item the actor may enter for ``year``: ``(content, content
    type, file name)``. Descriptive columns are ignored on import."""
    header = list(COLUMNS)
    rows: list[list[Any]] = []
    for item in template_items(actor, year):
        owner = item.scorecard.owner_name
        rows.append([item.pk, owner, item.name, item.unit_of_measure, year, month or "", "", ""])
    suffix = f"{year}" + (f"-{month:02d}" if month else "")
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Actuals"))
        sheet.append(header)
        for row in rows:
            sheet.append(safe_row(row))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), CONTENT_TYPES["xlsx"], f"actuals-{suffix}.xlsx"
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    # A BOM, so that Excel opens Chinese names correctly.
    return ("\ufeff" + text.getvalue()).encode(), CONTENT_TYPES["csv"], f"actuals-{suffix}.csv"
