"""Sortable columns of a list page: which ``sort`` values a list accepts, the ordering each
means, and the headings that link to them.

A list declares its columns once (:class:`Sorts`); its selector orders by
:meth:`Sorts.order` and its view hands :meth:`Sorts.headings` to
``templates/_sort_headings.html``. A ``sort`` that names no column falls back to the
default, so a URL can never order by an arbitrary field (``?sort=user__password``).
Each heading's link keeps the other query parameters (the filters) and drops ``page``:
a new order starts at its first page, and the pager keeps ``sort`` like any filter.

A column no index reads in order (an item's name, a value of another table) is ``bounded``:
the database must sort every row of the list to show its first page, seconds for HR over a
group's million items. :func:`sorted_page` sorts by it only a list the capped pager counts
in full (at most :data:`spm.paginator.CAP` rows); a longer one keeps the default order and
the page says why, so a filter (a unit, a search) narrows it first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpRequest, QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from spm.htmx import is_htmx_partial
from spm.paginator import PAGE_SIZE, CappedPaginator


@dataclass(frozen=True)
class Sorts:
    """``columns``: a ``sort`` key -> the ordering it means ascending (its first field is
    the one flipped for descending; the rest break ties in one stable order)."""

    columns: Mapping[str, tuple[Any, ...]]
    default: str
    # Columns sorted only for a list of at most CAP rows (see the module's docstring).
    bounded: frozenset[str] = frozenset()

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


def sorted_page(
    request: HttpRequest,
    rows: Any,
    sorts: Sorts,
    sort: str,
    labels: Mapping[str, str],
    size: int = PAGE_SIZE,
) -> tuple[Page, str]:
    """The page the request asks for of ``rows`` (ordered by ``sort``) and the order it is
    in: ``sort``, or the default when ``sort`` is bounded and the list has more than ``CAP``
    rows. Then the page carries a message naming the column (``labels``: the headings) —
    not a partial page's rows, which show the order their headings say."""
    paginator = CappedPaginator(rows, size)
    key = sorts.key(sort)
    if key.removeprefix("-") in sorts.bounded and paginator.capped:
        if not is_htmx_partial(request):
            column = labels.get(key.removeprefix("-"), key.removeprefix("-"))
            messages.info(
                request,
                _(
                    "Sorting by %(column)s is offered for lists of at most %(limit)s rows, "
                    "and this one has more: narrow it with the filters (a unit, a search) "
                    "first. It is shown in the default order."
                )
                % {"column": column, "limit": number_format(paginator.cap, force_grouping=True)},
            )
        count = paginator.count
        key = sorts.default
        paginator = CappedPaginator(rows.order_by(*sorts.order(key)), size)
        paginator.count = count  # the same rows: counted once
    return paginator.get_page(request.GET.get("page")), key
