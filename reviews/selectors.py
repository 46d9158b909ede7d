"""Reads of 360° reviews. The reviewee gets groups (kind, count, mean), never rows; HR
gets completion (asked / answered per kind), and who said what only where the scheme's
review policy says so (:func:`answers`); a reviewer gets the reviews they are asked to
give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from assessment.models import AssessmentResult
from assessment.services.common import covered_by, is_subject
from org.scoping import ADMIN, HR, VIEW, Actor, get_scoped
from reviews import policy, rules
from reviews.models import Appeal, Review
from reviews.models.reviews import ANSWERS, ASSIGN

HR_READERS = frozenset({HR, ADMIN})


@dataclass(frozen=True)
class Summary:
    groups: list[rules.Group]
    self_assessed: bool

    @property
    def merged(self) -> bool:
        return any(g.merged for g in self.groups)


def my_reviews(actor: Actor) -> QuerySet[Review]:
    """The reviews ``actor`` is asked to give (their own rows), newest cycle first."""
    from assessment.services.common import actor_employee_id

    return (
        Review.objects.restrict(actor, VIEW)
        .filter(reviewer_id=actor_employee_id(actor))
        .select_related("result__employee", "result__cycle")
        .order_by("-result__cycle_id", "pk")
    )


def review_summary(actor: Actor, result_pk: int) -> Summary:
    """What the reviewee (or anyone who may see the result) is shown: groups of at least
    ``rules.MINIMUM`` answers, merged otherwise. Two queries."""
    result = get_scoped(AssessmentResult.objects.all(), actor, result_pk, VIEW)
    answers, self_assessed = [], False
    for kind, i, s, t in Review.objects.filter(
        result=result, submitted_at__isnull=False
    ).values_list("kind", "integrity", "synergy", "systematicness"):
        if kind == rules.SELF:
            self_assessed = True
        else:
            answers.append(rules.Answer(kind, i, s, t))
    return Summary(rules.groups(answers), self_assessed)


def completion(actor: Actor, result_pk: int) -> dict[str, tuple[int, int]]:
    """``{kind: (asked, answered)}`` for HR — counts only. One query after the scope check."""
    result = get_scoped(AssessmentResult.objects.all(), actor, result_pk, VIEW)
    rows = (
        Review.objects.filter(result=result)
        .values("kind")
        .annotate(asked=Count("id"), answered=Count("id", filter=Q(submitted_at__isnull=False)))
    )
    return {r["kind"]: (r["asked"], r["answered"]) for r in rows}


@dataclass(frozen=True)
class Slot:
    """One reviewer asked about a result, as HR manages them: who and of which kind, and
    whether they have answered — never the answer."""

    pk: int
    reviewer_id: int
    reviewer_name: str
    kind: str
    answered: bool
    version: int


def reviewers(actor: Actor, result_pk: int) -> list[Slot]:
    """Who is asked to review result ``result_pk``, for HR adjusting the list (404 for
    anyone who may not). One query after the scope check, no answer columns read."""
    result = get_scoped(AssessmentResult.objects.all(), actor, result_pk, VIEW)
    rows = (
        Review.objects.restrict(actor, ASSIGN)
        .filter(result=result)
        .order_by("kind", "reviewer__name", "pk")
        .values_list("pk", "reviewer_id", "reviewer__name", "kind", "submitted_at", "version")
    )
    return [Slot(pk, who, name, kind, at is not None, v) for pk, who, name, kind, at, v in rows]


@dataclass(frozen=True)
class Said:
    """One reviewer's submitted answer with their name, as HR reads it where allowed."""

    pk: int
    reviewer_id: int
    reviewer_name: str
    kind: str
    integrity: Decimal | None
    synergy: Decimal | None
    systematicness: Decimal | None
    comment: str
    submitted_at: datetime


def hr_reads(actor: Actor, result: AssessmentResult) -> bool:
    """Whether ``actor`` reads who said what about ``result``: HR (or an admin) over its
    unit, not the person assessed, and the cycle's scheme allows it."""
    return (
        covered_by(actor, result.unit.path, HR_READERS)
        and not is_subject(actor, result)
        and policy.hr_reads_answers(result.cycle.scheme_id)
    )


def answers(actor: Actor, result_pk: int) -> list[Said]:
    """The submitted answers about result ``result_pk`` with the reviewers' names, for HR
    where the scheme's review policy allows it; 404 for anyone else and wherever it does
    not (HR then has completion only). Four queries, whatever the number of answers."""
    result = get_scoped(
        AssessmentResult.objects.select_related("unit", "cycle"), actor, result_pk, VIEW
    )
    if not hr_reads(actor, result):
        raise Http404
    rows = (
        Review.objects.restrict(actor, ANSWERS)
        .filter(result=result, submitted_at__isnull=False)
        .order_by("kind", "reviewer__name", "pk")
        .values_list(
            "pk", "reviewer_id", "reviewer__name", "kind", "integrity", "synergy",
            "systematicness", "comment", "submitted_at",
        )
    )  # fmt: skip
    return [Said(*row) for row in rows]


def appeals_for(actor: Actor) -> QuerySet[Appeal]:
    """The appeals ``actor`` may see (their own, their team's, or HR's subtree), newest first."""
    return (
        Appeal.objects.restrict(actor, VIEW)
        .select_related("result__employee", "result__cycle")
        .order_by("-submitted_at", "-pk")
    )
