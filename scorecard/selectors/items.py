"""Reads of scorecard items: the items a user may see or change, one item with what its
page shows, the items of a scorecard, the items decomposed from one. Every read starts
from ``restrict``; out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from org.scoping import VIEW
from scorecard.models import Scorecard, ScorecardItem
from scorecard.selectors.progress import load_progress_rows, load_progress_values

# The item's own card and what it measures and serves (an item's page), and the card of the
# item it was decomposed from (the edit forms check it).
PAGE_RELATED = ("scorecard__unit", "scorecard__employee", "indicator", "objective")
ITEM_RELATED = (*PAGE_RELATED, "parent__scorecard__unit", "parent__scorecard__employee")


def scorecard_items(scorecard: Scorecard) -> list[ScorecardItem]:
    """The items of a scorecard the caller already may see, with all its page shows: each
    item's card is ``scorecard`` itself (loaded, with its unit and employee), not joined
    again per item — twelve tables took PostgreSQL 5 ms to plan, more than to run — and
    ``parent_owner``, the owner of the item it was decomposed from (``Scorecard.owner_name``:
    the person, else the unit), not that item, its card, unit and employee as models."""
    child_count = (
        ScorecardItem.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    items = list(
        ScorecardItem.objects.filter(scorecard=scorecard)
        .select_related("indicator", "objective")
        .annotate(
            child_count=Coalesce(Subquery(child_count, output_field=IntegerField()), 0),
            parent_owner=Coalesce(
                "parent__scorecard__employee__name", "parent__scorecard__unit__name"
            ),
        )
        .order_by("order", "pk")
    )
    for item in items:
        item.scorecard = scorecard
    load_progress_values(items)
    return items


def items(user: Any, action: str = VIEW) -> QuerySet[ScorecardItem]:
    return ScorecardItem.objects.restrict(user, action)


def item_get(user: Any, pk: Any, action: str = VIEW) -> ScorecardItem:
    item = get_object_or_404(
        items(user, action).select_related(*ITEM_RELATED, "scorecard__plan"), pk=pk
    )
    load_progress_rows([item])
    return item


def item_page_get(user: Any, pk: Any) -> ScorecardItem:
    """One item with what its own page shows; the line up from it is read by
    :func:`~scorecard.selectors.lines.item_lines`, so neither the parent nor the plan is
    joined (eleven tables took PostgreSQL 6-10 ms to plan, for a 1 ms read)."""
    item = get_object_or_404(items(user).select_related(*PAGE_RELATED), pk=pk)
    load_progress_values([item])
    return item


def item_children(user: Any, item: ScorecardItem) -> QuerySet[ScorecardItem]:
    """The items decomposed from ``item`` that the user may see."""
    return (
        items(user)
        .filter(parent=item)
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("scorecard__unit__path", "scorecard__employee__name", "pk")
    )
