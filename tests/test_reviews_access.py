"""Every people-side page and endpoint against the role cast: out of scope is a 404 and
never in a list. The world (also used by the anonymity walk): the cast's employee reviewed
by their manager and three peers in a published annual cycle, with an appeal, an incident,
an interview, an improvement plan and a feedback thread."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from assessment.models import AssessmentResult
from org.models import Employee
from org.scoping import SYSTEM
from reviews.models import (
    Appeal,
    CriticalIncident,
    FeedbackThread,
    FeedbackTopic,
    ImprovementPlan,
    Interview,
    Review,
)
from tests.access import API, assert_scoped, expect, fresh, module_rows
from tests.conftest import Cast
from tests.factories import EmployeeFactory

D = Decimal


@dataclass
class World:
    result: AssessmentResult
    peers: list[Employee]
    self_review: Review
    peer_review: Review
    appeal: Appeal
    incident: CriticalIncident
    interview: Interview
    plan: ImprovementPlan
    thread: FeedbackThread
    private_thread: FeedbackThread


def build_world(cast: Cast) -> World:
    from assessment.services import cycles, decisions, inputs
    from reviews.services import feedback, incidents, interviews, plans
    from reviews.services.appeals import appeal_submit
    from reviews.services.reviews import review_submit, reviews_suggest
    from spm.clock import clock
    from tests.factories_assessment import (
        annual_cycle,
        compute_now,
        result_of,
        worked_example_scorecard,
    )

    peers = [cast.site_worker] + [
        EmployeeFactory.create(
            unit=cast.engineering,
            line_manager=cast.manager,
            name=f"Peer {name}",
            user__username=f"peer_{name.lower()}",
        )
        for name in ("Alpha", "Beta")
    ]
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    reviews_suggest(actor=cast.hr.user, result=result)
    for who, value in (
        (cast.employee, 95),
        (cast.manager, 90),
        *((p, 60 + 5 * n) for n, p in enumerate(peers)),
    ):
        row = Review.objects.get(result=result, reviewer=who)
        review_submit(actor=who.user, review=row, version=row.version, integrity=D(value),
                      synergy=D(value), systematicness=D(value),
                      comment=f"Comment by {who.name}")  # fmt: skip
    for task, grade in zip(example.key_tasks, ["high_quality", "good"], strict=True):
        inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade=grade)
    bonus = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=D(1), reason="Early"
    )
    decisions.adjustment_decide(
        actor=cast.hr.user, adjustment=bonus, version=bonus.version, approve=True
    )
    compute_now(cycle)
    for step in ("self_assessment", "review", "calibration", "finalised", "published"):
        cycle = cycles.cycle_advance(
            actor=cast.hr.user, cycle=cycle, version=cycle.version, to=step
        )
    result.refresh_from_db()
    appeal = appeal_submit(actor=cast.employee.user, result=result, reason="Peers were harsh")
    today = clock().today()
    incident = incidents.incident_record(
        actor=cast.manager.user, employee=cast.employee, occurred_on=today, kind="positive",
        description="Handled the outage calmly",
    )  # fmt: skip
    talk = interviews.interview_schedule(
        actor=cast.manager.user, employee=cast.employee,
        scheduled_for=datetime.datetime(2027, 1, 25, 10, tzinfo=datetime.UTC), result=result,
    )  # fmt: skip
    talk = interviews.interview_record(
        actor=cast.manager.user, interview=talk, version=talk.version, strengths="Calm",
        gaps="Reporting",
        agreed_actions="Weekly report",
    )  # fmt: skip
    plan = plans.plan_create(
        actor=cast.manager.user, unit=cast.engineering, employee=cast.employee, year=2026,
        title="Reporting discipline", interview=talk,
    )  # fmt: skip
    plans.plan_action_add(
        actor=cast.manager.user, plan=plan, description="Weekly site report",
        owner=cast.employee, due_on=datetime.date(2027, 3, 31),
    )  # fmt: skip
    thread = feedback.feedback_thread_start(
        actor=cast.employee.user, topic=FeedbackTopic.RESULT, result=result,
        subject="My result", body="Can we talk about synergy?",
    )  # fmt: skip
    private = feedback.feedback_thread_start(
        actor=cast.site_worker.user, topic=FeedbackTopic.ADHOC, employee=cast.employee,
        subject="For the manager", body="Missed the briefing", private=True,
    )  # fmt: skip
    assert SYSTEM is not None
    return World(
        result=result,
        peers=peers,
        self_review=Review.objects.get(result=result, reviewer=cast.employee),
        peer_review=Review.objects.get(result=result, reviewer=cast.site_worker),
        appeal=appeal,
        incident=incident,
        interview=talk,
        plan=plan,
        thread=thread,
        private_thread=private,
    )


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(django_db_blocker, lambda: build_world(cast_rows))


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


EVERYONE = ("employee", "manager", "sibling_manager", "hr", "executive")
RESULT_READERS = ("employee", "manager", "hr", "executive")
PERSONAL = ("employee", "manager", "hr")


def pages(world: World) -> list[tuple[str, dict[str, int]]]:
    return [
        (reverse("reviews-mine"), expect(EVERYONE)),
        (reverse("reviews-review", args=[world.self_review.pk]), expect({"employee"})),
        (reverse("reviews-result", args=[world.result.pk]), expect(RESULT_READERS)),
        (reverse("reviews-appeals"), expect(EVERYONE)),
        (reverse("reviews-appeal", args=[world.appeal.pk]), expect(PERSONAL)),
        (reverse("reviews-incidents"), expect({"manager", "sibling_manager", "hr"})),
        (reverse("reviews-feedback"), expect(EVERYONE)),
        (
            reverse("reviews-feedback-thread", args=[world.thread.pk]),
            expect({"employee", "manager"}),
        ),
        (reverse("reviews-feedback-thread", args=[world.private_thread.pk]), expect({"manager"})),
        (reverse("reviews-interviews"), expect(EVERYONE)),
        (reverse("reviews-interview", args=[world.interview.pk]), expect(PERSONAL)),
        (reverse("reviews-plans"), expect(EVERYONE)),
        (reverse("reviews-plan", args=[world.plan.pk]), expect(PERSONAL)),
        (
            reverse("reviews-anchors", args=[world.result.cycle.scheme_id]),
            expect({"hr", "executive"}),  # schemes are read where they are owned
        ),
    ]


def test_every_page_answers_the_cast_as_its_scope_says(cast: Cast, world: World) -> None:
    for url, expected in pages(world):
        assert_scoped(cast, url, expected)


def endpoints(world: World) -> list[tuple[str, dict[str, int]]]:
    api = {"anonymous": API}
    return [
        ("/api/v1/reviews/", expect(EVERYONE, **api)),
        (f"/api/v1/reviews/{world.self_review.pk}/", expect({"employee"}, **api)),
        (f"/api/v1/result-reviews/{world.result.pk}/", expect(RESULT_READERS, **api)),
        (f"/api/v1/result-reviews/{world.result.pk}/completion/", expect({"hr"}, **api)),
        (f"/api/v1/result-reviews/{world.result.pk}/reviewers/", expect({"hr"}, **api)),
        # who said what: nobody while the scheme's review policy is off (the default)
        (f"/api/v1/result-reviews/{world.result.pk}/answers/", expect(set(), **api)),
        ("/api/v1/review-policies/", expect(EVERYONE, **api)),
        ("/api/v1/bars-anchors/", expect(EVERYONE, **api)),
        ("/api/v1/critical-incidents/", expect(EVERYONE, **api)),
        (f"/api/v1/critical-incidents/{world.incident.pk}/", expect({"manager", "hr"}, **api)),
        ("/api/v1/feedback-threads/", expect(EVERYONE, **api)),
        (f"/api/v1/feedback-threads/{world.thread.pk}/", expect({"employee", "manager"}, **api)),
        (f"/api/v1/feedback-threads/{world.private_thread.pk}/", expect({"manager"}, **api)),
        ("/api/v1/interviews/", expect(EVERYONE, **api)),
        (f"/api/v1/interviews/{world.interview.pk}/", expect(PERSONAL, **api)),
        ("/api/v1/appeals/", expect(EVERYONE, **api)),
        (f"/api/v1/appeals/{world.appeal.pk}/", expect(PERSONAL, **api)),
        ("/api/v1/improvement-plans/", expect(EVERYONE, **api)),
        (f"/api/v1/improvement-plans/{world.plan.pk}/", expect(PERSONAL, **api)),
    ]


def test_every_endpoint_answers_the_cast_as_its_scope_says(cast: Cast, world: World) -> None:
    for url, expected in endpoints(world):
        assert_scoped(cast, url, expected)


def listed(cast: Cast, role: str, url: str) -> set[int]:
    body = cast.client(role).get(url).json()
    return {row["id"] for row in body["results"]}


@pytest.mark.parametrize(
    ("url", "attr", "roles"),
    [
        ("/api/v1/critical-incidents/", "incident", {"manager", "hr"}),
        ("/api/v1/appeals/", "appeal", set(PERSONAL)),
        ("/api/v1/interviews/", "interview", set(PERSONAL)),
        ("/api/v1/improvement-plans/", "plan", set(PERSONAL)),
        ("/api/v1/feedback-threads/", "private_thread", {"manager"}),
    ],
)
def test_a_row_out_of_scope_is_never_in_a_list(
    cast: Cast, world: World, url: str, attr: str, roles: set[str]
) -> None:
    pk = getattr(world, attr).pk
    assert {r for r in EVERYONE if pk in listed(cast, r, url)} == roles


def test_only_hr_decides_an_appeal_through_the_api(cast: Cast, world: World) -> None:
    url = f"/api/v1/appeals/{world.appeal.pk}/review/"
    assert_scoped(
        cast, url, expect({"hr"}, anonymous=API), method="post",
        data={"version": world.appeal.version}, content_type="application/json",
    )  # fmt: skip


def test_only_the_reviewer_submits_a_review_through_the_api(cast: Cast, world: World) -> None:
    url = f"/api/v1/reviews/{world.self_review.pk}/submit/"
    body = {
        "integrity": "80", "synergy": "80", "systematicness": "80",
        "version": world.self_review.version,
    }  # fmt: skip
    # the cycle is published: the reviewer reaches it and is refused (409), others get 404
    assert_scoped(
        cast, url, expect(set(), employee=409, anonymous=API), method="post", data=body,
        content_type="application/json",
    )  # fmt: skip


def test_the_state_changes_answer_the_changed_row_through_the_api(cast: Cast, world: World) -> None:
    def post(role: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
        response = cast.client(role).post(url, body, content_type="application/json")
        assert response.status_code == 200, response.content
        return dict(response.json())

    appeal = f"/api/v1/appeals/{world.appeal.pk}"
    taken = post("hr", f"{appeal}/review/", {"version": world.appeal.version})
    assert (taken["id"], taken["status"]) == (world.appeal.pk, "under_review")
    decided = post(
        "hr", f"{appeal}/decide/",
        {"change": False, "note": "Scores stand", "version": taken["version"]},
    )  # fmt: skip
    assert decided["status"] == "upheld" and decided["version"] == taken["version"] + 1
    talk = post(
        "employee", f"/api/v1/interviews/{world.interview.pk}/acknowledge/",
        {"version": world.interview.version},
    )  # fmt: skip
    assert talk["id"] == world.interview.pk and talk["employee_acknowledged_at"] is not None
    closed = post(
        "manager", f"/api/v1/improvement-plans/{world.plan.pk}/close/",
        {"version": world.plan.version},
    )  # fmt: skip
    assert closed["status"] == "closed" and len(closed["actions"]) == 1
    # the step still refuses a row out of scope (404 from the scoped object)
    response = cast.client("sibling_manager").post(
        f"/api/v1/interviews/{world.interview.pk}/acknowledge/", {},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
