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
from scorecard.selectors.progress import with_progress_rows

ITEM_RELATED = (
    "scorecard__unit",
    "scorecard__employee",
    "indicator",
    "objective",
    "parent__scorecard__unit",
    "parent__scorecard__employee",
)


def scorecard_items(scorecard: Scorecard) -> QuerySet[ScorecardItem]:
    """The items of a scorecard the caller already may see, with all a page shows."""
    child_count = (
        ScorecardItem.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("pk"))
        .values("n")
    )
    items = (
        ScorecardItem.objects.filter(scorecard=scorecard)
        .select_related(*ITEM_RELATED)
        .annotate(child_count=Coalesce(Subquery(child_count, output_field=IntegerField()), 0))
        .order_by("order", "pk")
    )
    return with_progress_rows(items)


def items(user: Any, action: str = VIEW) -> QuerySet[ScorecardItem]:
    return ScorecardItem.objects.restrict(user, action)


def item_get(user: Any, pk: Any, action: str = VIEW) -> ScorecardItem:
    return get_object_or_404(
        with_progress_rows(items(user, action).select_related(*ITEM_RELATED, "scorecard__plan")),
        pk=pk,
    )


def item_children(user: Any, item: ScorecardItem) -> QuerySet[ScorecardItem]:
    """The items decomposed from ``item`` that the user may see."""
    return (
        items(user)
        .filter(parent=item)
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("scorecard__unit__path", "scorecard__employee__name", "pk")
    )
