"""Issue 8, finding 6: a CSV's text encoding is detected, or asked — never guessed into
mojibake. GBK bytes of 叶片, 凭证, 图纸, 千元 are also valid UTF-8 ("ҶƬ", "ƾ֤", "ͼֽ", "ǧԪ")."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scorecard.models import ItemKind, MonthlyActual, ScorecardItem, ScorecardStatus
from scorecard.services.actuals_encoding import EncodingUncertain, decode, detect
from scorecard.services.actuals_import import ImportFileError, actuals_import
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard
from tests.test_scorecard_import import csv_file

NOTES = ["叶片", "凭证", "图纸", "千元"]
MOJIBAKE = ["ҶƬ", "ƾ֤", "ͼֽ", "ǧԪ"]


def table(notes: list[str]) -> str:
    rows = "".join(f"{n + 1},2026,{n + 1},5,{note}\n" for n, note in enumerate(notes))
    return "item_id,year,month,value,note\n" + rows


def test_the_gbk_notes_are_valid_utf8_which_is_why_decoding_alone_proves_nothing() -> None:
    assert table(NOTES).encode("gbk").decode("utf-8") == table(MOJIBAKE)


def test_the_gbk_file_of_the_finding_is_read_as_gbk() -> None:
    assert decode(table(NOTES).encode("gbk")) == table(NOTES)


@pytest.mark.parametrize(
    "text,encoding",
    [
        (table(["电表读数", "叶片"]), "utf-8"),
        (table(["电表读数"]), "gb18030"),
        (table(["", ""]), "utf-8"),  # ASCII reads the same in every candidate
    ],
)
def test_clear_cases_are_decided(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    assert decode(data) == text


def test_a_byte_order_mark_decides() -> None:
    data = "\ufeff".encode() + table(["千元"]).encode()
    assert detect(data) == "utf-8" and decode(data) == table(["千元"])


def test_an_ambiguous_file_is_not_guessed_and_shows_each_reading() -> None:
    data = table(["叶片"]).encode("gbk")
    with pytest.raises(EncodingUncertain) as raised:
        decode(data)
    readings = raised.value.candidates
    assert "叶片" in readings["gb18030"][0] and "ҶƬ" in readings["utf-8"][0]
    assert decode(data, "gb18030") == table(["叶片"])


def test_a_chosen_encoding_the_bytes_are_not_is_refused() -> None:
    with pytest.raises(ImportFileError, match="not"):
        decode(table(["电表读数"]).encode("gb18030"), "utf-8")
    with pytest.raises(ImportFileError, match="Unknown"):
        decode(b"x", "latin-1")


# --- Through the import, the page and the API ----------------------------------------------


@pytest.fixture
def items(cast: Cast) -> list[ScorecardItem]:
    scorecard = unit_scorecard(cast.engineering, quantitative=4, status=ScorecardStatus.SIGNED)
    return list(scorecard.items.filter(kind=ItemKind.QUANTITATIVE).order_by("pk"))


def _file(items: list[ScorecardItem], notes: list[str]) -> bytes:
    rows = [[item.pk, 2026, 1, 5, note] for item, note in zip(items, notes, strict=False)]
    return csv_file(rows, encoding="gbk").getvalue()


@pytest.mark.django_db
def test_the_import_stores_the_gbk_notes_not_mojibake(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    upload = io.BytesIO(_file(items, NOTES))
    report = actuals_import(actor=cast.manager.user, upload=upload, name="a.csv")
    assert report.ok
    assert sorted(MonthlyActual.objects.values_list("note", flat=True)) == sorted(NOTES)


@pytest.mark.django_db
def test_the_page_shows_the_readings_and_imports_once_the_user_picks(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    client = cast.client("manager")
    data = _file(items, ["叶片"])
    asked = client.post(reverse("actual-import"), {"file": SimpleUploadedFile("a.csv", data)})
    assert asked.status_code == 200 and not MonthlyActual.objects.exists()
    assert b'id="import-encodings"' in asked.content
    assert "叶片" in asked.content.decode() and "ҶƬ" in asked.content.decode()
    assert asked.context["form"].errors["encoding"]
    chosen = client.post(
        reverse("actual-import"),
        {"file": SimpleUploadedFile("a.csv", data), "encoding": "gb18030"},
    )
    assert chosen.context["report"].ok
    assert MonthlyActual.objects.get().note == "叶片"


@pytest.mark.django_db
def test_the_api_asks_for_the_encoding_with_each_reading(
    cast: Cast, items: list[ScorecardItem]
) -> None:
    client = cast.client("manager")
    data = _file(items, ["叶片"])
    asked = client.post("/api/v1/actual-imports/", {"file": SimpleUploadedFile("a.csv", data)})
    assert asked.status_code == 400
    readings = " ".join(asked.json()["fields"]["encoding"])
    assert "gb18030:" in readings and "叶片" in readings
    chosen = client.post(
        "/api/v1/actual-imports/",
        {"file": SimpleUploadedFile("a.csv", data), "encoding": "gb18030"},
    )
    assert chosen.status_code == 200 and chosen.json()["created"] == 1
    assert MonthlyActual.objects.get().note == "叶片"
