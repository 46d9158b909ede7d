"""The explanation of a score: a compact record as stored, the full form as shown.

:func:`assessment.rules.compute_score` builds the **record**: the full form's sections, but
each item a flat list in a fixed order (no repeated labels) and the item's numbers — its
weight, monthly actuals, period value, tiers, counted weight, score and weighted score —
as plain ``str(Decimal)`` texts (records written before 1 Dec 2026 hold the last three
already shown; expanding shows either the same way).
Building that costs a fraction of building the full form's nested dictionaries and
formatting every number, and it is a third of the size to write (2 kB instead of 6 kB a
result, read and written by PostgreSQL as ``jsonb``).

:func:`expand` turns a record into the **full form** that the page, the API and the XLSX
export show: the same dictionaries, keys and texts as before the record existed (every
number formatted by :func:`show`: exact, at most 10 decimals, no trailing zeros). Expanding
an expanded explanation (an old row, or one written by hand) returns it unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TEN_PLACES = Decimal("1e-10")
RECORD = "v"  # the key that marks a record, with its version
VERSION = 2
QUANTITATIVE, MILESTONE = "q", "m"
TIER_NAMES = ("floor", "baseline", "target", "challenge", "range_low", "range_high")


def show(value: Decimal | None) -> str | None:
    """A value for the explanation: exact, without trailing zeros past 10 decimals."""
    if value is None:
        return None
    return _shown(str(value), value)


def _shown(text: str, value: Decimal | None = None) -> str:
    point = text.find(".")
    if "E" not in text and len(text) <= 26 and (point < 0 or len(text) - point <= 11):
        # Plain notation with at most 10 decimals: nothing to round, and quantizing would
        # only add the zeros normalizing removes again. The common case, taken fast.
        return text if point < 0 else text.rstrip("0").rstrip(".")
    exact = (Decimal(text) if value is None else value).quantize(TEN_PLACES, rounding=ROUND_HALF_UP)
    return f"{exact.normalize():f}"


def _text(text: str | None) -> str | None:
    """A record's number (a ``str(Decimal)`` or an already shown text) as :func:`show` would
    show the Decimal."""
    return None if text is None else _shown(text)


def quantitative_row(
    item_id: int,
    name: str,
    weight: Decimal,
    polarity: str,
    aggregation: str,
    actuals: Mapping[int, Decimal],
    value: Decimal | None,
    tiers: Any,
) -> list[Any]:
    """A quantitative item's row of the record, before its score is known (see
    :func:`scored`)."""
    months = sorted(actuals)
    return [
        QUANTITATIVE, item_id, name, str(weight), None, None, None, None, None,
        polarity, aggregation, months, list(map(str, map(actuals.__getitem__, months))),
        None if value is None else str(value),
        *[None if t is None else str(t) for t in (
            tiers.floor, tiers.baseline, tiers.target, tiers.challenge,
            tiers.range_low, tiers.range_high,
        )],
    ]  # fmt: skip


def milestone_row(
    item_id: int, name: str, weight: Decimal, milestones: list[dict[str, Any]]
) -> list[Any]:
    """A milestone item's row of the record (its milestones as the full form shows them)."""
    return [MILESTONE, item_id, name, str(weight), None, None, None, None, None, milestones]


def scored(
    row: list[Any],
    effective_weight: Decimal,
    score: Decimal | None,
    score_rounded: Decimal | None,
    weighted: Decimal,
    left_out: str | None,
) -> None:
    """Fill in the row's score, counted weight, weighted score and why it was left out
    (plain ``str(Decimal)`` texts, shown by :func:`expand` as :func:`show` would)."""
    row[4:9] = [
        str(effective_weight), None if score is None else str(score),
        None if score_rounded is None else str(score_rounded), str(weighted), left_out,
    ]  # fmt: skip


def expand(explanation: Any) -> Any:
    """The full form of an explanation record (anything else is returned as it is)."""
    if not isinstance(explanation, dict) or explanation.get(RECORD) != VERSION:
        return explanation
    full = {key: value for key, value in explanation.items() if key != RECORD}
    full["items"] = [_item(row) for row in explanation["items"]]
    return full


def _item(row: list[Any]) -> dict[str, Any]:
    kind, item_id, name, weight, effective, score, score_rounded, weighted, left_out = row[:9]
    item = {
        "id": item_id,
        "name": name,
        "kind": "quantitative" if kind == QUANTITATIVE else "milestone",
        "weight": _text(weight),
        "effective_weight": _text(effective),
        "score": _text(score),
        "score_rounded": _text(score_rounded),
        "weighted": _text(weighted),
        "left_out": left_out,
    }
    if kind == MILESTONE:
        item["milestones"] = row[9]
        return item
    polarity, aggregation, months, values, value = row[9:14]
    item.update(
        polarity=polarity,
        aggregation=aggregation,
        months={str(m): _text(v) for m, v in zip(months, values, strict=True)},
        period_value=_text(value),
        missing_actual=value is None,
        tiers={name: _text(t) for name, t in zip(TIER_NAMES, row[14:20], strict=True)},
    )
    return item
