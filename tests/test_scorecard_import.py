"""CSV and XLSX import of monthly actuals: every row checked, all or nothing, audited."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from scorecard.models import ItemKind, MonthlyActual, ScorecardItem, ScorecardStatus
from scorecard.services.actuals import actual_record, period_close
from scorecard.services.actuals_import import ImportFileError, actuals_import, import_template
from tests.conftest import Cast
from tests.factories_scorecard import ScorecardFactory
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


HEADER = ["item_id", "year", "month", "value", "note"]


def csv_file(
    rows: list[list[Any]], header: list[str] = HEADER, encoding: str = "utf-8"
) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def xlsx_file(rows: list[list[Any]], header: list[str] = HEADER) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def items(cast: Cast) -> list[ScorecardItem]:
    scorecard = unit_scorecard(cast.engineering, quantitative=2, status=ScorecardStatus.SIGNED)
    return list(scorecard.items.filter(kind=ItemKind.QUANTITATIVE))


def test_a_good_csv_writes_every_row_with_its_history(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    rows = [[items[0].pk, 2026, m, 40 + m, f"M{m}"] for m in (1, 2, 3)] + [
        [items[1].pk, 2026, 1, "7.25", ""]
    ]
    report = actuals_import(actor=cast.manager.user, upload=csv_file(rows), name="a.csv")
    assert report.ok and (report.created, report.updated) == (4, 0)
    assert MonthlyActual.objects.get(item=items[1], month=1).value == Decimal("7.25")
    history = MonthlyActual.history.filter(item_id=items[0].pk)
    assert history.count() == 3
    assert {h.history_user_id for h in history} == {cast.manager.user.pk}


def test_an_xlsx_file_imports_the_same_way(cast: Cast, items: list[ScorecardItem]) -> None:
    rows = [[items[0].pk, 2026, 2, 12.5, "from Excel"], [items[1].pk, 2026.0, 2.0, 3, None]]
    report = actuals_import(actor=cast.manager.user, upload=xlsx_file(rows), name="a.xlsx")
    assert report.ok and report.created == 2
    assert MonthlyActual.objects.get(item=items[0], month=2).value == Decimal("12.5")


def test_an_import_updates_values_and_the_audit_shows_before_and_after(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    actual_record(actor=cast.manager.user, item=items[0], month=1, value=10)
    actual_record(actor=cast.manager.user, item=items[1], month=1, value=5)
    rows = [[items[0].pk, 2026, 1, 11, ""], [items[1].pk, 2026, 1, 5, ""]]
    report = actuals_import(actor=cast.hr.user, upload=csv_file(rows), name="a.csv")
    assert (report.updated, report.unchanged) == (1, 1)
    actual = MonthlyActual.objects.get(item=items[0], month=1)
    assert (actual.value, actual.version, actual.entered_by) == (Decimal("11"), 2, cast.hr.user)
    before, after = actual.history.order_by("history_id")
    assert (before.value, after.value, after.history_user) == (
        Decimal("10"),
        Decimal("11"),
        cast.hr.user,
    )
    assert after.history_type == "~"


def _bad_rows(cast: Cast, items: list[ScorecardItem]) -> dict[str, tuple[list[Any], str]]:
    milestone = items[0].scorecard.items.get(kind=ItemKind.MILESTONE)
    sibling = unit_scorecard(cast.finance).items.filter(kind=ItemKind.QUANTITATIVE).first()
    old_item = unit_scorecard(cast.site, year=2025).items.filter(kind="quantitative").first()
    assert old_item is not None
    return {
        "unknown item": ([999999, 2026, 1, 1, ""], "unknown item"),
        "item of another unit": ([sibling.pk, 2026, 1, 1, ""], "unknown item"),
        "wrong year": ([items[0].pk, 2025, 1, 1, ""], "wrong period"),
        "month 13": ([items[0].pk, 2026, 13, 1, ""], "wrong period"),
        "item of last year": ([old_item.pk, 2026, 1, 1, ""], "wrong period"),
        "not a number": ([items[0].pk, 2026, 1, "about ten", ""], "not a number"),
        "closed month": ([items[0].pk, 2026, 2, 1, ""], "closed"),
        "not quantitative": ([milestone.pk, 2026, 1, 1, ""], "not quantitative"),
        "too many decimals": ([items[0].pk, 2026, 1, "1.23456", ""], "out of range"),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "unknown item",
        "item of another unit",
        "wrong year",
        "month 13",
        "item of last year",
        "not a number",
        "closed month",
        "not quantitative",
        "too many decimals",
    ],
)
def test_one_bad_row_writes_nothing_and_the_report_names_it(
    cast: Cast, items: list[ScorecardItem], kind: str
) -> None:
    period_close(actor=cast.hr.user, year=2026, month=2)
    bad, why = _bad_rows(cast, items)[kind]
    rows = [
        [items[0].pk, 2026, 1, 10, ""],
        [items[1].pk, 2026, 1, 20, ""],
        bad,
        [items[1].pk, 2026, 3, 5, ""],
    ]
    report = actuals_import(actor=cast.manager.user, upload=csv_file(rows), name="a.csv")
    assert not report.ok
    assert [e.line for e in report.errors] == [4]
    assert why in " ".join(report.errors[0].messages)
    assert not MonthlyActual.objects.exists()
    assert not MonthlyActual.history.exists()


def test_a_duplicate_row_is_named_with_the_line_it_repeats(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    rows = [
        [items[0].pk, 2026, 1, 10, ""],
        [items[1].pk, 2026, 1, 1, ""],
        [items[0].pk, 2026, 1, 11, ""],
    ]
    report = actuals_import(actor=cast.manager.user, upload=csv_file(rows), name="a.csv")
    assert [(e.line, e.messages) for e in report.errors] == [(4, ["duplicate of line 2"])]
    assert not MonthlyActual.objects.exists()


def test_an_item_the_importer_sees_but_may_not_enter_is_out_of_scope(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    own = employee_scorecard(cast.employee).items.get()
    rows = [[own.pk, 2026, 1, 1, ""], [items[0].pk, 2026, 1, 1, ""]]
    report = actuals_import(actor=cast.employee.user, upload=csv_file(rows), name="a.csv")
    assert report.errors[0].line == 3
    assert "not in your scope" in report.errors[0].messages[0]
    assert not MonthlyActual.objects.exists()


def test_every_bad_row_is_reported_at_once(cast: Cast, items: list[ScorecardItem]) -> None:
    rows = [
        [items[0].pk, 2026, 1, "x", ""],
        [items[0].pk, 2026, 14, 1, ""],
        ["abc", 2026, 1, 1, ""],
    ]
    report = actuals_import(actor=cast.manager.user, upload=csv_file(rows), name="a.csv")
    assert [e.line for e in report.errors] == [2, 3, 4]


def test_rows_left_empty_in_a_template_are_skipped(cast: Cast, items: list[ScorecardItem]) -> None:
    rows = [[items[0].pk, 2026, 1, "", ""], [items[1].pk, 2026, 1, 3, ""]]
    report = actuals_import(actor=cast.manager.user, upload=csv_file(rows), name="a.csv")
    assert report.ok and (report.created, report.skipped) == (1, 1)


def test_a_file_without_the_needed_columns_is_refused(cast: Cast) -> None:
    with pytest.raises(ImportFileError, match="month"):
        actuals_import(
            actor=cast.manager.user,
            upload=csv_file([[1, 2026, 1]], ["item_id", "year", "value"]),
            name="a.csv",
        )
    with pytest.raises(ImportFileError):
        actuals_import(actor=cast.manager.user, upload=io.BytesIO(b"PK\x03\x04junk"), name="a.xlsx")
    with pytest.raises(ImportFileError):
        actuals_import(actor=cast.manager.user, upload=io.BytesIO(b"x"), name="a.pdf")


def test_a_csv_saved_by_chinese_excel_reads_as_gb18030(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    upload = csv_file([[items[0].pk, 2026, 1, 9, "电表读数"]], encoding="gb18030")
    report = actuals_import(actor=cast.manager.user, upload=upload, name="a.csv")
    assert report.ok
    assert MonthlyActual.objects.get().note == "电表读数"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_lists_the_importers_items_and_imports_once_filled(
    cast: Cast, items: list[ScorecardItem], fmt: str
) -> None:
    unit_scorecard(cast.finance)  # not the manager's: not in the template
    content, _type, name = import_template(actor=cast.manager.user, year=2026, month=3, fmt=fmt)
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        table = [
            list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        ]
    header, rows = table[0], table[1:]
    assert {int(r[0]) for r in rows} == {i.pk for i in items}
    value = header.index("value")
    for row in rows:
        row[value] = "12.5"
    filled = csv_file(rows, header=[str(h) for h in header])
    report = actuals_import(actor=cast.manager.user, upload=filled, name="filled.csv")
    assert report.ok and report.created == len(items)
    assert name.endswith(f".{fmt}")


def test_a_ten_thousand_row_file_imports_in_one_call(cast: Cast) -> None:
    scorecard = ScorecardFactory(unit=cast.engineering)
    ScorecardItem.objects.bulk_create(
        ScorecardItem(
            scorecard=scorecard, kind=ItemKind.QUANTITATIVE, name=f"KPI {n}", weight=Decimal("0.1")
        )
        for n in range(1000)
    )
    ids = list(scorecard.items.values_list("pk", flat=True))
    rows = [[pk, 2026, month, f"{pk % 97}.{month}", ""] for pk in ids for month in range(1, 11)]
    report = actuals_import(actor=cast.manager.user, upload=csv_file(rows), name="big.csv")
    assert report.ok and report.created == 10_000
    assert MonthlyActual.objects.count() == 10_000
    assert MonthlyActual.history.count() == 10_000
