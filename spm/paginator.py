"""A pager that never counts millions of rows: the count stops at ``CAP``.

Drawing "page 3 of 20,000" for HR over the whole group costs a ``COUNT(*)`` of every
actual in the group (seconds on PostgreSQL at 9 million rows). :class:`CappedPaginator`
counts at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (SELECT 1 … LIMIT cap + 1)``, without
the ordering, so the scan stops early); when there are more, ``count`` is ``cap + 1`` and
``capped`` is true, so pages show "more than 10,000" and the pager reaches the first
``cap`` rows — a filter narrows the rest. Below the cap it is an ordinary ``Paginator``.

Pages use it through :func:`page_of` (the ``?page=`` asked for) or :func:`capped_page`;
``templates/_pagination.html``, the one pager of every page, then reads "Page 3 of more than
200" (``num_pages`` stops at the last full page under the cap).
"""

from __future__ import annotations

from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import HttpRequest
from django.utils.functional import cached_property

CAP = 10_000
PAGE_SIZE = 50  # rows a page shows unless the list says otherwise


class CappedPaginator(Paginator):
    cap = CAP

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.order_by()
            if rows._iterable_class is ModelIterable and not rows.query.distinct:
                # Count the rows, not what each shows: a list's summary subqueries (a
                # team's scorecards, their items and weights) stay in a sliced count's
                # select otherwise, and run for each of up to ``cap`` rows.
                rows = rows.values("pk")
            return rows[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return max(1, ceil(self.cap / self.per_page))
        return super().num_pages


def capped_page(rows: Any, size: int, number: Any, count: int | None = None) -> Page:
    """The ``number``th page of ``rows`` (``get_page`` semantics), counted up to ``CAP``;
    ``count``: how many rows there are when a kept tally already says (no count query)."""
    paginator = CappedPaginator(rows, size)
    if count is not None:
        paginator.count = min(count, paginator.cap + 1)
    return paginator.get_page(number)


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` the request asks for (``?page=``), counted up to ``CAP``."""
    return capped_page(rows, size, request.GET.get("page"))
