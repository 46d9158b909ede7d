"""Reads around responsibility letters. Each starts from ``restrict``.

:func:`letter_content` turns a letter's stored snapshot into what the page and the PDF show;
it reads nothing live, so an old version looks exactly as it was signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from org.scoping import CHANGE, VIEW, scope_of
from scorecard.models import (
    Aggregation,
    ItemKind,
    LetterStatus,
    Polarity,
    ResponsibilityLetter,
    Scorecard,
    ScorecardItem,
)

_LETTER_RELATED = (
    "scorecard__unit",
    "scorecard__employee",
    "signer__user",
    "issuer__user",
)


def letters(user: Any, action: str = VIEW) -> QuerySet[ResponsibilityLetter]:
    return ResponsibilityLetter.objects.restrict(user, action)


def letter_get(user: Any, pk: Any) -> ResponsibilityLetter:
    return get_object_or_404(letters(user).select_related(*_LETTER_RELATED), pk=pk)


def scorecard_get(user: Any, pk: Any, action: str = VIEW) -> Scorecard:
    """A scorecard the user may see (404 otherwise), with the people a letter names."""
    return get_object_or_404(
        Scorecard.objects.restrict(user, action).select_related(
            "unit__parent__head", "unit__head", "employee__unit"
        ),
        pk=pk,
    )


def scorecard_versions(user: Any, scorecard: Scorecard) -> QuerySet[ResponsibilityLetter]:
    return (
        letters(user)
        .filter(scorecard=scorecard)
        .select_related("signer", "issuer")
        .order_by("-version")
    )


def awaiting_q(user: Any) -> Q:
    """Letters waiting for this user: to sign, to countersign, or to acknowledge.

    By the user's employee record (one per user, the scope's): the letter's own signer and
    issuer columns, no join to the people and their logins (four joins more made planning
    the home page's short list ~25 ms at 100,000 employees). A login without an employee
    record signs nothing."""
    me = scope_of(user).employee_id
    if me is None:
        return Q(pk__in=[])
    return (
        Q(status=LetterStatus.AWAITING_HEAD, signer_id=me)
        | Q(status=LetterStatus.AWAITING_ISSUER, issuer_id=me)
        | Q(status=LetterStatus.SIGNED, acknowledged_at__isnull=True, scorecard__employee_id=me)
    )


def letter_list(
    user: Any, *, status: str = "", awaiting: bool = False, year: int | None = None, text: str = ""
) -> QuerySet[ResponsibilityLetter]:
    """Letters in scope, newest first, filtered."""
    qs = letters(user).select_related(*_LETTER_RELATED)
    if status:
        qs = qs.filter(status=status)
    if awaiting:
        qs = qs.filter(awaiting_q(user))
    if year:
        qs = qs.filter(scorecard__year=year)
    if text:
        qs = qs.filter(
            Q(scorecard__unit__name__icontains=text) | Q(scorecard__employee__name__icontains=text)
        )
    return qs.order_by("-created_at", "-pk")


def letters_awaiting(user: Any) -> QuerySet[ResponsibilityLetter]:
    """The home page's list: what its rows show (whose card, which year), newest first."""
    return (
        letters(user)
        .filter(awaiting_q(user))
        .select_related("scorecard__unit", "scorecard__employee")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class LetterActions:
    """What the viewing user may do with a letter (the services check again)."""

    sign: bool
    countersign: bool
    acknowledge: bool


def letter_actions(user: Any, letter: ResponsibilityLetter) -> LetterActions:
    employee = letter.scorecard.employee
    return LetterActions(
        sign=letter.status == LetterStatus.AWAITING_HEAD and letter.signer.user_id == user.pk,
        countersign=letter.status == LetterStatus.AWAITING_ISSUER
        and letter.issuer.user_id == user.pk,
        acknowledge=letter.status == LetterStatus.SIGNED
        and letter.acknowledged_at is None
        and employee is not None
        and employee.user_id == user.pk,
    )


def may_issue(user: Any, scorecard: Scorecard) -> bool:
    """Whether the page offers issuing and amending (the service decides)."""
    from scorecard.services.letters import may_issue as service_may_issue

    if not scope_of(user).is_authenticated:
        return False
    return Scorecard.objects.can(user, CHANGE, scorecard.pk) and service_may_issue(user, scorecard)


# --- Rendering the snapshot -------------------------------------------------------------


def number(text: str | None) -> str:
    """``"500.0000"`` -> ``"500"``; ``None`` -> ``""`` (no exponent notation)."""
    if text in (None, ""):
        return ""
    try:
        value = Decimal(str(text)).normalize()
    except InvalidOperation:
        return str(text)
    return format(value, "f")


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def letter_content(letter: ResponsibilityLetter) -> dict[str, Any]:
    """The letter's snapshot, ready for the templates: items grouped by kind, numbers and
    choice labels spelled out."""
    snapshot = letter.snapshot
    groups: dict[str, list[dict[str, Any]]] = {kind: [] for kind in ItemKind.values}
    for item in snapshot.get("items", []):
        shown = dict(item)
        # Numbered within its section (1, 2, 3 under each heading), in the snapshot's order.
        shown["position"] = len(groups.setdefault(item.get("kind", ""), [])) + 1
        shown["weight"] = number(item.get("weight"))
        for name in ScorecardItem.GOAL_FIELDS:
            shown[name] = number(item.get(name))
        shown["polarity_label"] = _label(Polarity, item.get("polarity", ""))
        shown["aggregation_label"] = _label(Aggregation, item.get("aggregation", ""))
        shown["milestones"] = [
            {**m, "weight": number(m.get("weight"))} for m in item.get("milestones", [])
        ]
        groups.setdefault(item.get("kind", ""), []).append(shown)
    return {
        "scorecard": snapshot.get("scorecard", {}),
        "signer": snapshot.get("signer", {}),
        "issuer": snapshot.get("issuer", {}),
        "quantitative": groups.get(ItemKind.QUANTITATIVE, []),
        "milestone": groups.get(ItemKind.MILESTONE, []),
        "key_task": groups.get(ItemKind.KEY_TASK, []),
        "total_weight": number(snapshot.get("total_weight")),
        "fingerprint": snapshot.get("fingerprint", ""),
        "number": f"RL-{snapshot.get('scorecard', {}).get('id', 0):05d}-v{letter.version}",
    }
