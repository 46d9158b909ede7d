"""The files of an actuals import: reading an uploaded CSV or XLSX table, and writing the
template a user downloads to fill in.

Columns are named by the header row (``item_id``, ``year``, ``month``, ``value``, optional
``note``; any other column is ignored), so a template keeps descriptive columns for people.
Line numbers are those a spreadsheet shows, so the import report can name them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from org.scoping import Actor
from scorecard.selectors.actuals import template_items
from scorecard.services.actuals_encoding import (
    EncodingUncertain,
    ImportFileError,
    decode,
    detect,
)
from spm.exports import safe_row

__all__ = ["EncodingUncertain", "ImportFileError", "estimate_rows", "import_template", "read_table"]

REQUIRED = ("item_id", "year", "month", "value")
COLUMNS = ("item_id", "scorecard", "item", "unit_of_measure", "year", "month", "value", "note")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# A workbook is a zip: 10 MB of it can expand to gigabytes of XML. 50,000 template rows
# take about 15 MB unpacked; anything beyond this is refused before a byte is parsed.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_COLUMNS = 64  # cells kept per row; the import needs five
# Empty lines are skipped but still cost a step each: a sheet whose only row is number
# 1,048,576 is refused at this line instead of walked to the end.
MAX_LINES = 2 * MAX_ROWS
# What a cell holds when it has a formula Excel never computed (a file written by a
# program): the import names it instead of reading it as empty.
UNCOMPUTED = "\x00uncomputed formula"
HEAD_BYTES = 16 * 1024  # where a sheet's <dimension> is, if it has one
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# --- Reading ---------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Excel stores 12.3 as a float; repr gives the shortest text that reads back the same.
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value).strip()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(n)s rows; split it into smaller files.") % {"n": MAX_ROWS}
    )


def _csv_rows(data: bytes, encoding: str | None) -> Iterator[tuple[int, list[str]]]:
    text = decode(data, encoding)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    for cells in reader:
        yield reader.line_num, [c.strip() for c in cells]


def _archive_check(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than :data:`MAX_UNPACKED` bytes.

    The sizes come from the zip's directory; a part that lies about its size fails the
    zip's own check when it is read past what it declared.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    if unpacked > MAX_UNPACKED:
        raise ImportFileError(
            _("The workbook unpacks to more than %(mb)s MB; split it into smaller files.")
            % {"mb": MAX_UNPACKED // (1024 * 1024)}
        )


class _Sheet(ReadOnlyWorksheet):
    """A read-only sheet that looks for its ``<dimension>`` only in the head of its XML.

    openpyxl's own look parses the whole sheet when the tag is missing (it stops at the
    *end* of ``<sheetData>``): a minute for a bombed sheet before a row is read. The tag
    precedes the rows, so the head is where it is or it is not there.
    """

    def _get_size(self) -> None:
        with self._get_source() as source:
            head = source.read(HEAD_BYTES)
        match = DIMENSION.search(head)
        if match is None:
            return
        try:
            bounds = range_boundaries(match.group(1).decode("ascii"))
        except (ValueError, TypeError):
            return  # a damaged tag: read without it, the limits still hold
        if None not in bounds:
            self._min_column, self._min_row, self._max_column, self._max_row = bounds


def _first_sheet(data: bytes, *, data_only: bool) -> tuple[Any, _Sheet]:
    """The workbook (to close) and its first worksheet, without parsing any other sheet."""
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=data_only)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # number formats tell dates apart
        for sheet, rel in reader.parser.find_sheets():
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
                return reader.wb, _Sheet(reader.wb, sheet.name, rel.target, reader.shared_strings)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
    reader.wb.close()
    raise ImportFileError(_("The workbook has no worksheet."))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Rows streamed from the first sheet (read-only mode: one row in memory at a time).

    Read twice in step — values, and formulas — so that a formula without a computed
    value is told apart from an empty cell.
    """
    _archive_check(data)
    values, sheet = _first_sheet(data, data_only=True)
    formulas, formula_sheet = _first_sheet(data, data_only=False)
    try:
        if (sheet.max_row or 0) > MAX_LINES:  # the sheet's own <dimension>
            raise _too_many_rows()
        # A <dimension> can also understate: openpyxl would then stop early and drop rows
        # silently. Read what is there; the limits below stop the reading.
        sheet.reset_dimensions()
        formula_sheet.reset_dimensions()
        pairs = zip(
            sheet.iter_rows(values_only=True),
            formula_sheet.iter_rows(values_only=True),
            strict=False,
        )
        for number, (cells, sources) in enumerate(pairs, start=1):
            if number > MAX_LINES:
                raise _too_many_rows()
            yield (
                number,
                [
                    UNCOMPUTED
                    if value is None and isinstance(source, str) and source.startswith("=")
                    else _cell(value)
                    for value, source in zip(
                        cells[:MAX_COLUMNS], sources[:MAX_COLUMNS], strict=False
                    )
                ],
            )
    finally:
        values.close()
        formulas.close()


def _rows(data: bytes, name: str, encoding: str | None) -> Iterator[tuple[int, list[str]]]:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 10 MB."))
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return _xlsx_rows(data)
    if lowered.endswith((".csv", ".txt")):
        return _csv_rows(data, encoding)
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def estimate_rows(data: bytes, name: str, encoding: str | None = None) -> tuple[int, str | None]:
    """About how many rows the file has, found cheaply, and the text encoding of a CSV file
    — after every check of the file as a whole that needs no reading of its rows (size,
    type, zip, the sheet's dimension, the encoding)."""
    _rows(data, name, encoding)  # size and type; the rows themselves are read lazily
    if not name.lower().endswith(".xlsx"):
        chosen = encoding or detect(data)
        return decode(data, chosen).count("\n"), chosen
    _archive_check(data)
    book, sheet = _first_sheet(data, data_only=True)
    book.close()
    if sheet.max_row is None:
        return len(data) // 20, None  # no <dimension>: about 20 packed bytes a row
    if sheet.max_row > MAX_LINES:
        raise _too_many_rows()
    return int(sheet.max_row), None


def read_table(
    data: bytes, name: str, *, encoding: str | None = None, required: tuple[str, ...] = REQUIRED
) -> Iterator[tuple[int, dict[str, str]]]:
    """``(line number, {column: text})`` for each non-empty data row of a CSV or XLSX file
    whose header names the ``required`` columns (the actuals' by default; the incentives'
    base-bonus import names its own).

    Streams: the file is refused as soon as it shows more than :data:`MAX_ROWS` data rows.
    """
    header: list[str] | None = None
    count = 0
    for line, cells in _rows(data, name, encoding):
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
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows()
        yield line, {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not count:
        raise ImportFileError(_("The file has a header but no rows below it."))


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
