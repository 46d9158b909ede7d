"""Numbers and dates read the way each language writes them."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from scorecard.templatetags.scorecard_extras import num


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("5400", "5,400"),
        ("75000.00", "75,000"),
        ("455.40", "455.4"),
        ("-1234567.5", "-1,234,567.5"),
        ("0.000", "0"),
        ("12", "12"),
    ],
)
def test_numbers_group_thousands_and_drop_trailing_zeros(
    language: str, stored: str, shown: str
) -> None:
    with translation.override(language):
        assert num(stored) == shown


def test_a_missing_number_is_a_dash() -> None:
    assert num(None) == "—" and num("") == "—"


def test_dates_are_written_in_chinese_in_chinese() -> None:
    page = Template("{{ day|date }}")
    with translation.override("zh-hans"):
        assert page.render(Context({"day": date(2026, 11, 30)})) == "2026年11月30日"
    with translation.override("en"):
        assert page.render(Context({"day": date(2026, 11, 30)})) == "Nov. 30, 2026"
