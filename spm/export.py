"""Spreadsheet export plumbing shared by the apps.

Cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage
return) are written as text with a leading apostrophe, so a name or a reason can never run
as a formula — in XLSX and in CSV alike.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A cell value that cannot be a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
