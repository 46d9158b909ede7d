"""Sortable columns of a list page: which ``sort`` values a list accepts, the ordering each
means, and the headings that link to them.

A list declares its columns once (:class:`Sorts`); its selector orders by
:meth:`Sorts.order` and its view hands :meth:`Sorts.headings` to
``templates/_sort_headings.html``. A ``sort`` that names no column falls back to the
default, so a URL can never order by an arbitrary field (``?sort=user__password``).
Each heading's link keeps the other query parameters (the filters) and drops ``page``:
a new order starts at its first page, and the pager keeps ``sort`` like any filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict


@dataclass(frozen=True)
class Sorts:
    """``columns``: a ``sort`` key -> the ordering it means ascending (its first field is
    the one flipped for descending; the rest break ties in one stable order)."""

    columns: Mapping[str, tuple[Any, ...]]
    default: str

    def key(self, sort: str) -> str:
        """``sort`` if it names a column (``"-unit"``: by unit, descending), else the default."""
        return sort if sort.removeprefix("-") in self.columns else self.default

    def order(self, sort: str) -> list[Any]:
        """The ``order_by`` arguments that ``sort`` means."""
        key = self.key(sort)
        first, *rest = self.columns[key.removeprefix("-")]
        descending = key.startswith("-")
        if isinstance(first, str):
            return [f"-{first}" if descending else first, *rest]
        # An expression (an annotation): rows without a value go last either way.
        return [first.desc(nulls_last=True) if descending else first.asc(nulls_last=True), *rest]

    def headings(
        self, sort: str, query: QueryDict, labels: Mapping[str, str]
    ) -> list[dict[str, str]]:
        """One heading per labelled column: a link sorting by it (again: the other way),
        with the ``aria-sort`` state of the column sorted by. ``query`` is the request's
        query string; its filters are kept."""
        key = self.key(sort)
        kept = query.copy()
        kept.pop("sort", None)
        kept.pop("page", None)
        base = kept.urlencode()
        columns = []
        for name, label in labels.items():
            state = "ascending" if key == name else "descending" if key == f"-{name}" else "none"
            flipped = f"-{name}" if key == name else name
            url = f"?{base}&sort={flipped}" if base else f"?sort={flipped}"
            columns.append({"key": name, "label": label, "state": state, "url": url})
        return columns
