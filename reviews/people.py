"""Reads of the people side — incidents, feedback, interviews, improvement plans, the
scales a reviewer rates against, and what waits for someone — each from ``restrict()``."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from assessment.models import AssessmentResult
from assessment.models.cycles import COMPUTABLE_STATUSES
from org.scoping import VIEW, Actor, get_scoped, scope_of
from reviews import bars, rules
from reviews.models import (
    Appeal,
    BarsAnchor,
    CriticalIncident,
    FeedbackMessage,
    FeedbackThread,
    ImprovementPlan,
    Interview,
    PlanAction,
    PlanStatus,
    Review,
)
from reviews.models.appeals import OPEN_STATUSES
from spm.clock import Clock, clock


def anchors(scheme_id: int | None) -> dict[str, list[bars.Anchor]]:
    """The scales of a scheme (its own anchors, else the shipped ones). One query."""
    rows = BarsAnchor.objects.filter(scheme_id=scheme_id).values_list(
        "behaviour", "level", "description"
    )
    return bars.anchors_for(rows if scheme_id is not None else [])


def incidents(actor: Actor) -> QuerySet[CriticalIncident]:
    return CriticalIncident.objects.restrict(actor, VIEW).select_related("employee", "unit")


def incidents_beside(actor: Actor, review: Review) -> list[CriticalIncident]:
    """The incidents of the reviewee in the cycle's period that ``actor`` may read (a
    manager or HR; nobody else sees any), for the review form."""
    result = review.result
    if result.employee_id is None:
        return []
    span = result.cycle.period_span
    first = datetime.date(span.year, span.first_month, 1)
    last = datetime.date(
        span.year, span.last_month, calendar.monthrange(span.year, span.last_month)[1]
    )
    return list(
        incidents(actor)
        .filter(employee_id=result.employee_id, occurred_on__range=(first, last))
        .order_by("occurred_on", "pk")
    )


def threads(actor: Actor) -> QuerySet[FeedbackThread]:
    return FeedbackThread.objects.restrict(actor, VIEW).select_related(
        "employee", "started_by", "item", "result__cycle"
    )


def thread_get(actor: Actor, pk: int) -> FeedbackThread:
    return get_scoped(
        threads(actor).prefetch_related(
            Prefetch(
                "messages",
                FeedbackMessage.objects.select_related("author").order_by("created_at", "pk"),
            )
        ),
        actor,
        pk,
        VIEW,
    )


def interviews(actor: Actor) -> QuerySet[Interview]:
    return Interview.objects.restrict(actor, VIEW).select_related(
        "employee", "manager", "result__cycle"
    )


def plans(actor: Actor) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.restrict(actor, VIEW).select_related(
        "employee", "unit", "seeded_scorecard"
    )


def plan_get(actor: Actor, pk: int) -> ImprovementPlan:
    return get_scoped(
        plans(actor).prefetch_related(
            Prefetch("actions", PlanAction.objects.select_related("owner").order_by("due_on", "pk"))
        ),
        actor,
        pk,
        VIEW,
    )


@dataclass(frozen=True)
class Waiting:
    """What waits for one person, for the home panel."""

    reviews: list[Review]
    interviews: list[Interview]
    appealable: list[tuple[AssessmentResult, Any]]
    appeals: list[Appeal]
    actions: list[PlanAction]

    @property
    def empty(self) -> bool:
        return not (
            self.reviews or self.interviews or self.appealable or self.appeals or self.actions
        )


def waiting(actor: Actor, *, today_clock: Clock | None = None) -> Waiting:
    """Reviews to give (the self-assessment among them), interviews to acknowledge, results
    still open to appeal (with the deadline), open appeals and open improvement actions.

    Each read only what the home panel's line shows of it (``only``): the results' explanation
    is expanded on reading, and the whole rows of their relations cost more to build than
    the queries take to run. Four of them, and the published results, read once with the
    assessment panel's latest (:func:`assessment.selectors.published_results`)."""
    from assessment.selectors import published_results
    from reviews.selectors import my_reviews

    me = scope_of(actor).employee_id
    if me is None:
        return Waiting([], [], [], [], [])
    today = (today_clock or clock()).today()
    reviews = list(
        my_reviews(actor)
        .filter(submitted_at__isnull=True, result__cycle__status__in=COMPUTABLE_STATUSES)
        .only("kind", "result__unit", "result__employee__name", "result__cycle__name")[:10]
    )
    talks = list(
        interviews(actor)
        .filter(Q(employee_id=me, employee_acknowledged_at__isnull=True)
                | Q(manager_id=me, manager_acknowledged_at__isnull=True),
                recorded_at__isnull=False)
        .select_related(None)
        .only("scheduled_for")[:10]
    )  # fmt: skip
    # Every appeal against one's results (one sees them all: they are one's own), for the
    # open ones and for the results already appealed.
    mine = list(
        Appeal.objects.restrict(actor, VIEW)
        .filter(result__employee_id=me)
        .select_related("result__cycle")
        .only("status", "result__cycle__name")
    )
    appeals = [appeal for appeal in mine if appeal.status in OPEN_STATUSES][:5]
    appealed = {appeal.result_id for appeal in mine}
    # The published results (read once with the assessment panel's latest), newest
    # publication first, not appealed yet.
    published = [
        (result.cycle.published_at, result)
        for result in published_results(actor, me)
        if result.cycle.published_at is not None and result.pk not in appealed
    ]
    published.sort(key=lambda pair: pair[0], reverse=True)
    appealable = []
    for published_at, result in published[:5]:
        day = timezone.localdate(published_at)
        if rules.may_appeal(day, today):
            appealable.append((result, rules.appeal_deadline(day)))
    actions = list(
        PlanAction.objects.filter(owner_id=me, plan__status=PlanStatus.OPEN)
        .exclude(stage="done")
        .only("plan", "description", "due_on")
        .order_by("due_on", "pk")[:10]
    )
    return Waiting(reviews, talks, appealable, appeals, actions)
