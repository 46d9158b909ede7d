"""Alignment summaries kept with the items: the two checks of DESIGN §2 step 4 that need a
pass over every item of a group, stored as flags so the alignment view reads them through
a partial index instead of recomputing them over a million items on each request.

- ``Scorecard.weights_off``: the card's quantitative and milestone weights do not sum to
  100 (or it has no weighted item at all). A card whose weighted items all lack a weight
  is not flagged (nothing to add up), as before.
- ``ScorecardItem.children_off``: a quantitative item with a target whose decomposed
  children do not add up to it (a sum) or fall short of it (a ratio carried down:
  below it for "higher is better", above it for "lower is better").

Kept up to date in the transaction of the write that changes an input: a saved or deleted
item refreshes its scorecard, its parent and itself (signals below, so services, admin and
deletes by cascade all count); a new scorecard refreshes itself. Bulk writes that skip
signals (bulk assignment, the generator) call :func:`refresh` / :func:`refresh_all` /
:func:`refresh_within` (a subtree: the generated group) themselves. Each refresh is
set-based: one grouped query per kind over the touched rows, and an ``UPDATE`` of only the
rows whose flag changes (no history rows: the flags are derived, not edited).

The children counted are all children of the parent, whatever their year or the reader's
scope: the cascade only decomposes into the same year and down the parent's own subtree,
which a reader of the parent's unit covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, Sum

from scorecard.models import ItemKind, Scorecard, ScorecardItem
from scorecard.rules import scoring

HUNDRED = Decimal(100)
# SQLite sums decimals as floats: compare with half a unit of the last stored place.
EPSILON = Decimal("0.00005")
CHUNK = 5000


def weights_off(weighted: int, total: Decimal | None) -> bool:
    """Whether a card with ``weighted`` weighted items summing to ``total`` is out of line."""
    if weighted == 0:
        return True
    return total is not None and abs(total - HUNDRED) > EPSILON


def children_off(
    target: Decimal | None,
    aggregation: str,
    polarity: str,
    children: int,
    total: Decimal | None,
    low: Decimal | None,
    high: Decimal | None,
) -> bool:
    """Whether decomposed children (their target total, lowest and highest) miss the
    parent's ``target``; a parent without children or without a target is never off."""
    if not children or target is None:
        return False
    if aggregation == scoring.SUM:
        return total is not None and abs(total - target) > EPSILON
    if polarity == scoring.HIGHER:
        return low is not None and low < target - EPSILON
    if polarity == scoring.LOWER:
        return high is not None and high > target + EPSILON
    return False


def _chunks(ids: Iterable[int | None]) -> Iterator[list[int]]:
    ordered = sorted({i for i in ids if i is not None})
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _store(model: Any, field: str, off: set[int], ids: list[int]) -> None:
    """Set ``field`` on exactly ``off`` among ``ids``, writing only the rows that change."""
    rows = model._default_manager.filter(pk__in=ids)
    rows.filter(pk__in=off).exclude(**{field: True}).update(**{field: True})
    rows.exclude(pk__in=off).exclude(**{field: False}).update(**{field: False})


def refresh_scorecards(ids: Iterable[int | None], *, item_model: Any = ScorecardItem) -> None:
    card_model = item_model._meta.get_field("scorecard").related_model
    for chunk in _chunks(ids):
        sums = {
            row["scorecard_id"]: row
            for row in item_model._default_manager.filter(scorecard_id__in=chunk)
            .exclude(kind=ItemKind.KEY_TASK)
            .order_by()
            .values("scorecard_id")
            .annotate(n=Count("pk"), w=Sum("weight"))
        }
        off = {pk for pk in chunk if pk not in sums or weights_off(sums[pk]["n"], sums[pk]["w"])}
        _store(card_model, "weights_off", off, chunk)


def _children_totals(children: Any) -> dict[int, dict[str, Any]]:
    """Parent id -> its children's count and target total, lowest and highest."""
    return {
        row["parent_id"]: row
        for row in children.order_by()
        .values("parent_id")
        .annotate(n=Count("pk"), total=Sum("target"), low=Min("target"), high=Max("target"))
    }


def refresh_parents(ids: Iterable[int | None], *, item_model: Any = ScorecardItem) -> None:
    for chunk in _chunks(ids):
        children = _children_totals(item_model._default_manager.filter(parent_id__in=chunk))
        parents = item_model._default_manager.filter(
            pk__in=list(children), kind=ItemKind.QUANTITATIVE, target__isnull=False
        ).values_list("pk", "target", "aggregation", "polarity")
        off = {
            pk
            for pk, target, aggregation, polarity in parents
            if children_off(
                target,
                aggregation,
                polarity,
                children[pk]["n"],
                children[pk]["total"],
                children[pk]["low"],
                children[pk]["high"],
            )
        }
        _store(item_model, "children_off", off, chunk)


def refresh(*, scorecards: Iterable[int | None] = (), parents: Iterable[int | None] = ()) -> None:
    """Recompute the flags of these scorecards and of these (possible) parent items."""
    refresh_scorecards(scorecards)
    refresh_parents(parents)


def refresh_all(*, item_model: Any = ScorecardItem) -> None:
    """Recompute every flag: after a bulk load, and by the migration that added them."""
    card_model = item_model._meta.get_field("scorecard").related_model
    cards = card_model._default_manager.values_list("pk", flat=True)
    refresh_scorecards(cards, item_model=item_model)
    items = item_model._default_manager.order_by()
    children = items.filter(parent_id__isnull=False)
    parents = set(children.values_list("parent_id", flat=True).distinct())
    parents |= set(items.filter(children_off=True).values_list("pk", flat=True))
    refresh_parents(parents, item_model=item_model)


def _correct(model: Any, field: str, judged: dict[int, bool], stored: dict[int, bool]) -> None:
    """Write ``judged`` flags that differ from the ``stored`` ones."""
    for value in (True, False):
        wrong = [pk for pk, off in judged.items() if off is value and stored[pk] is not value]
        for chunk in _chunks(wrong):
            model._default_manager.filter(pk__in=chunk).update(**{field: value})


def refresh_within(path: str) -> None:
    """Recompute the flags of every scorecard and item of the units under ``path`` (a unit's
    path): after a bulk load of that subtree (the generator). Two grouped queries over the
    subtree (cards with their weights; items with their children's targets) judged by the
    same rules, and an ``UPDATE`` of only the rows whose stored flag is wrong."""
    cards = (
        Scorecard.objects.filter(unit__path__startswith=path)
        .order_by()
        .values("pk", "weights_off")
        .annotate(
            n=Count("items", filter=~Q(items__kind=ItemKind.KEY_TASK)),
            w=Sum("items__weight", filter=~Q(items__kind=ItemKind.KEY_TASK)),
        )
    )
    judged = {c["pk"]: weights_off(c["n"], c["w"]) for c in cards}
    _correct(Scorecard, "weights_off", judged, {c["pk"]: c["weights_off"] for c in cards})
    children = _children_totals(
        ScorecardItem.objects.filter(parent__scorecard__unit__path__startswith=path)
    )
    flagged = ScorecardItem.objects.filter(
        scorecard__unit__path__startswith=path, children_off=True
    )
    judged, stored = {}, {}
    for chunk in _chunks([*children, *flagged.values_list("pk", flat=True)]):
        rows = ScorecardItem.objects.filter(pk__in=chunk).values_list(
            "pk", "kind", "target", "aggregation", "polarity", "children_off"
        )
        for pk, kind, target, aggregation, polarity, flag in rows:
            row = children.get(pk, {})
            judged[pk] = kind == ItemKind.QUANTITATIVE and children_off(
                target,
                aggregation,
                polarity,
                row.get("n", 0),
                row.get("total"),
                row.get("low"),
                row.get("high"),
            )
            stored[pk] = flag
    _correct(ScorecardItem, "children_off", judged, stored)


def on_item_saved(sender: Any, instance: ScorecardItem, **kwargs: Any) -> None:
    refresh(scorecards=[instance.scorecard_id], parents=[instance.pk, instance.parent_id])


def on_item_deleted(sender: Any, instance: ScorecardItem, **kwargs: Any) -> None:
    refresh(scorecards=[instance.scorecard_id], parents=[instance.parent_id])


def on_scorecard_saved(sender: Any, instance: Scorecard, created: bool, **kwargs: Any) -> None:
    if created:
        refresh(scorecards=[instance.pk])


def generate(result: Any) -> str:
    """The hook ``generate_enterprise`` calls after the scorecards were loaded in bulk."""
    refresh_within(result.group.path)
    return "alignment summaries"
