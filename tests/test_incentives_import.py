"""Base-bonus import (CSV and XLSX through the actuals import's reader): a good file
updates the bonuses with their history; one bad row writes nothing and the report names
every bad line; nobody sets their own or one outside their scope."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from incentives.imports import ImportFileError, base_bonus_import
from org.models import Employee
from tests.conftest import Cast

D = Decimal


def csv_file(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def test_a_good_csv_updates_the_base_bonuses_with_history(cast: Cast) -> None:
    upload = csv_file(
        "employee_no,name,base_bonus",
        f"{cast.employee.employee_no},x,101000",
        f'{cast.site_worker.employee_no},y,"55,000.50"',
    )
    report = base_bonus_import(actor=cast.hr.user, upload=upload, name="bonus.csv")
    assert report.ok and report.updated == 2
    assert Employee.objects.get(pk=cast.site_worker.pk).base_bonus == D("55000.50")
    last = Employee.history.filter(id=cast.employee.pk).first()
    assert last.history_user == cast.hr.user and last.base_bonus == D("101000")


def test_an_xlsx_file_is_read_as_well(cast: Cast) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["employee_no", "base_bonus"])
    sheet.append([cast.employee.employee_no, 88000])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    report = base_bonus_import(actor=cast.hr.user, upload=data, name="bonus.xlsx")
    assert report.ok
    assert Employee.objects.get(pk=cast.employee.pk).base_bonus == D("88000")


def test_one_bad_row_writes_nothing_and_every_bad_line_is_named(cast: Cast) -> None:
    before = Employee.objects.get(pk=cast.employee.pk).base_bonus
    upload = csv_file(
        "employee_no,base_bonus",
        f"{cast.employee.employee_no},90000",
        "NOBODY,1000",
        f"{cast.site_worker.employee_no},-5",
        f"{cast.employee.employee_no},1.005",
        f"{cast.hr.employee_no},1000",
    )
    report = base_bonus_import(actor=cast.hr.user, upload=upload, name="b.csv")
    assert not report.ok
    assert [e.line for e in report.errors] == [3, 4, 5, 6]
    assert "already on line 2" in " ".join(report.errors[2].messages)
    assert "own base bonus" in report.errors[3].messages[0]
    assert Employee.objects.get(pk=cast.employee.pk).base_bonus == before


def test_a_manager_cannot_set_bonuses_outside_their_scope(cast: Cast) -> None:
    upload = csv_file("employee_no,base_bonus", f"{cast.finance_clerk.employee_no},1000")
    report = base_bonus_import(actor=cast.manager.user, upload=upload, name="b.csv")
    assert not report.ok and "in your scope" in report.errors[0].messages[0]


def test_a_file_without_the_columns_is_refused_whole(cast: Cast) -> None:
    with pytest.raises(ImportFileError):
        base_bonus_import(
            actor=cast.hr.user, upload=csv_file("employee_no,amount", "1,2"), name="b.csv"
        )
