"""Issue 8, finding 4, for every app above the organisation: a person's edit names the
version it was based on (``org.versions``).

Each person-driven edit of the assessment, the reviews and the bonuses is one row of
``WRITES``, sent through each front end it has (page and API) three ways: without the
version (refused with the rule's message, nothing changed), at a version someone else has
since moved on (409 / the page's message, nothing changed, what was typed kept where the
page shows a form again) and at the current version (saved). Creates have no prior version
and are not here; upserts (a key-task grade, a milestone confirmation, a rating, a reviewer
asked, an anchor, the review policy) are, on a row that exists. Deletes of a versioned row
are too: the API names the version as ``?version=`` of the DELETE, the page posts it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from assessment.forms import SchemeForm
from assessment.models import (
    Adjustment,
    AssessmentCycle,
    AssessmentResult,
    CycleStatus,
    KeyTaskGrade,
    MilestoneConfirmation,
    QualitativeRating,
)
from incentives.models import BonusScheme
from org.scoping import SYSTEM
from org.versions import StaleRecord, refuse_stale, require_version
from reviews.models import BarsAnchor, PlanAction, Review, ReviewPolicy
from scorecard.models import Milestone
from tests.access import fresh, module_rows
from tests.conftest import Cast
from tests.incentives_world import TERMS
from tests.test_reviews_access import World as ReviewsWorld
from tests.test_reviews_access import build_world as build_reviews_world

D = Decimal
MISSING = "Send the version you opened; nothing was saved without it."
TYPED = "Typed-by-the-editor 7f3c"
ANCHOR = "?behaviour=integrity&level=50"  # the anchors page opened to change that level


@dataclass
class World:
    """The reviews world (a published annual cycle with an appeal, an interview, a plan …)
    and a half-year cycle of the same scheme in calibration, with a key-task grade, a
    proposed adjustment and the manager's review of the employee; a scheme anchor, its own
    review policy and a bonus scheme."""

    reviews: ReviewsWorld
    half: AssessmentCycle
    result: AssessmentResult
    grade: KeyTaskGrade
    adjustment: Adjustment
    review: Review
    anchor: BarsAnchor
    policy: ReviewPolicy
    bonus: BonusScheme
    confirmation: MilestoneConfirmation
    rating: QualitativeRating


def build(cast: Cast) -> World:
    from assessment.services import cycles, decisions, inputs
    from reviews.services.bars import bars_anchor_set
    from reviews.services.policy import review_policy_set
    from reviews.services.reviews import reviews_suggest
    from tests.factories_assessment import YEAR, compute_now

    reviews = build_reviews_world(cast)
    scheme = reviews.result.cycle.scheme
    hr = cast.hr.user
    half = cycles.cycle_create(
        actor=hr, name=f"First half {YEAR}", kind="semi_annual", year=YEAR, period=1,
        owner_unit=cast.group, root_units=[cast.group], scheme=scheme,
    )  # fmt: skip
    half = cycles.cycle_open(actor=hr, cycle=half, version=half.version)
    result = AssessmentResult.objects.get(cycle=half, scorecard=reviews.result.scorecard)
    reviews_suggest(actor=hr, result=result)
    task = result.scorecard.items.filter(kind="key_task").order_by("pk").first()
    assert task is not None
    grade = inputs.key_task_grade(actor=cast.manager.user, result=result, item=task, grade="good")
    milestone = Milestone.objects.filter(item__scorecard=result.scorecard).order_by("pk").first()
    assert milestone is not None
    confirmation = inputs.milestone_confirm(
        actor=cast.manager.user, result=result, milestone=milestone, completed_on=None
    )
    rating = QualitativeRating.objects.filter(result=result).first()
    rating = inputs.qualitative_rate(
        actor=cast.manager.user, result=result, rating=D(80),
        version=None if rating is None else rating.version,
    )  # fmt: skip
    adjustment = decisions.adjustment_propose(
        actor=cast.manager.user, result=result, kind="bonus", points=D(1), reason="Early"
    )
    compute_now(half)
    for step in ("self_assessment", "review", "calibration"):
        half = cycles.cycle_advance(actor=hr, cycle=half, to=step, version=half.version)
    result.refresh_from_db()
    anchor = bars_anchor_set(
        actor=hr, scheme=scheme, behaviour="integrity", level=50, description="Keeps promises"
    )
    policy = review_policy_set(actor=hr, scheme=scheme, hr_reads_answers=True)
    return World(
        reviews=reviews, half=half, result=result, grade=grade, adjustment=adjustment,
        review=Review.objects.get(result=result, reviewer=cast.manager), anchor=anchor,
        policy=policy, bonus=BonusScheme.objects.create(name="Group bonus", version=1),
        confirmation=confirmation, rating=rating,
    )  # fmt: skip


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(django_db_blocker, lambda: build(cast_rows))


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


# --- the table of writes ------------------------------------------------------------------
Send = Callable[[World], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Write:
    """One person-driven edit: who makes it, the versioned row it changes, and what its API
    and its page post (without the version)."""

    name: str
    role: str
    row: Callable[[World], Model]
    api: Send | None = None
    page: Send | None = None
    prepare: Callable[[World, Cast], None] | None = None
    shown: Callable[[World], str] | None = None  # the page holding the page's form
    typed: bool = False  # the page shows its form again with what was typed
    upsert: bool = False  # the first write is a create, so the API may leave version out
    api_method: str = "post"  # "delete": the version goes as ``?version=``
    removes: bool = False  # the write at the current version removes the row
    stale_text: str = "since you opened it"
    stale_code: str = "stale"


def _other_grade(world: World) -> str:
    return "basic" if world.result.grade != "basic" else "good"


def _result_action(action: str, data: Callable[[World], dict[str, Any]]) -> Send:
    return lambda w: (reverse("assessment-result-action", args=[w.result.pk, action]), data(w))


def _under_review(world: World, cast: Cast) -> None:
    from reviews.services.appeals import appeal_review_start

    appeal = world.reviews.appeal
    appeal_review_start(actor=cast.hr.user, appeal=appeal, version=_stored(appeal).version)


def _self_assessment_step(world: World, cast: Cast) -> None:
    AssessmentCycle.objects.filter(pk=world.half.pk).update(status=CycleStatus.SELF_ASSESSMENT)


def _not_acknowledged(world: World, cast: Cast) -> None:
    AssessmentResult.objects.filter(pk=world.reviews.result.pk).update(acknowledged_at=None)


def _reviewers(action: str, data: Callable[[World], dict[str, Any]]) -> Send:
    return lambda w: (reverse("reviews-reviewers", args=[w.result.pk, action]), data(w))


def _scheme_form(world: World) -> dict[str, Any]:
    initial = SchemeForm.initial_of(world.result.cycle.scheme)
    del initial["version"]
    return {k: str(v) for k, v in initial.items()} | {"name": TYPED}


def _action(world: World) -> PlanAction:
    row = world.reviews.plan.actions.order_by("pk").first()
    assert row is not None
    return row


SCORES = {"integrity": "70", "synergy": "71", "systematicness": "72"}
WRITES = [
    Write(
        "cycle advance",
        "hr",
        lambda w: w.half,
        shown=lambda w: reverse("assessment-cycle", args=[w.half.pk]),
        api=lambda w: (f"/api/v1/assessment-cycles/{w.half.pk}/advance/", {"to": "finalised"}),
        page=lambda w: (reverse("assessment-cycle-advance", args=[w.half.pk]), {"to": "finalised"}),
        stale_text="The cycle moved on since you opened it",
    ),
    Write(
        "calibrate",
        "executive",
        lambda w: w.result,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        api=lambda w: (
            f"/api/v1/assessment-results/{w.result.pk}/calibrate/",
            {"grade": _other_grade(w), "reason": "Calibrated"},
        ),
        page=_result_action("calibrate", lambda w: {"grade": _other_grade(w), "reason": "Cal"}),
    ),
    Write(
        "adjustment decide",
        "hr",
        lambda w: w.adjustment,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        api=lambda w: (
            f"/api/v1/assessment-adjustments/{w.adjustment.pk}/decide/",
            {"approve": True},
        ),
        page=_result_action(
            "decide", lambda w: {"kind": "adjustment", "id": w.adjustment.pk, "approve": "1"}
        ),
    ),
    Write(
        "key-task grade change",
        "manager",
        lambda w: w.grade,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        upsert=True,
        api=lambda w: (
            "/api/v1/key-task-grades/",
            {"result": w.result.pk, "item": w.grade.item_id, "grade": "high_quality"},
        ),
        page=_result_action(
            "grade", lambda w: {"item": w.grade.item_id, "grade": "high_quality", "note": TYPED}
        ),
    ),
    Write(
        "milestone confirm",
        "manager",
        lambda w: w.confirmation,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        page=_result_action(
            "confirm", lambda w: {"milestone": w.confirmation.milestone_id, "completed_on": ""}
        ),
    ),
    Write(
        "qualitative rate",
        "manager",
        lambda w: w.rating,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        upsert=True,
        api=lambda w: (f"/api/v1/assessment-results/{w.result.pk}/rate/", {"rating": "77"}),
        page=_result_action("rate", lambda w: {"rating": "77", "note": ""}),
    ),
    Write(
        "self-assessment",
        "employee",
        lambda w: w.result,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        prepare=_self_assessment_step,
        api=lambda w: (
            f"/api/v1/assessment-results/{w.result.pk}/self-assess/",
            {"text": TYPED},
        ),
        page=_result_action("self", lambda w: {"text": TYPED}),
    ),
    Write(
        "review done",
        "manager",
        lambda w: w.result,
        shown=lambda w: reverse("assessment-result", args=[w.result.pk]),
        page=_result_action("review-done", lambda w: {}),
    ),
    Write(
        "result acknowledge",
        "employee",
        lambda w: w.reviews.result,
        shown=lambda w: reverse("assessment-result", args=[w.reviews.result.pk]),
        prepare=_not_acknowledged,
        api=lambda w: (f"/api/v1/assessment-results/{w.reviews.result.pk}/acknowledge/", {}),
        page=lambda w: (
            reverse("assessment-result-action", args=[w.reviews.result.pk, "acknowledge"]),
            {},
        ),
    ),
    Write(
        "reviewer kind change",
        "hr",
        lambda w: w.review,
        shown=lambda w: reverse("reviews-result", args=[w.result.pk]),
        upsert=True,
        api=lambda w: (
            f"/api/v1/result-reviews/{w.result.pk}/assign/",
            {"reviewer": w.review.reviewer_id, "kind": "peer"},
        ),
        page=_reviewers("assign", lambda w: {"reviewer": w.review.reviewer_id, "kind": "peer"}),
    ),
    Write(
        "reviewer withdraw",
        "hr",
        lambda w: w.review,
        shown=lambda w: reverse("reviews-result", args=[w.result.pk]),
        removes=True,
        api=lambda w: (
            f"/api/v1/result-reviews/{w.result.pk}/withdraw/",
            {"review": w.review.pk},
        ),
        page=_reviewers("remove", lambda w: {"review": w.review.pk}),
    ),
    Write(
        "incident delete",
        "manager",
        lambda w: w.reviews.incident,
        shown=lambda w: reverse("reviews-incidents"),
        removes=True,
        api_method="delete",
        api=lambda w: (f"/api/v1/critical-incidents/{w.reviews.incident.pk}/", {}),
        page=lambda w: (reverse("reviews-incident-delete", args=[w.reviews.incident.pk]), {}),
    ),
    Write(
        "anchor delete",
        "hr",
        lambda w: w.anchor,
        removes=True,
        api_method="delete",
        api=lambda w: (f"/api/v1/bars-anchors/{w.anchor.pk}/", {}),
    ),
    Write(
        "scheme revise",
        "hr",
        lambda w: w.result.cycle.scheme,
        shown=lambda w: reverse("assessment-scheme-edit", args=[w.result.cycle.scheme.pk]),
        typed=True,
        page=lambda w: (
            reverse("assessment-scheme-edit", args=[w.result.cycle.scheme.pk]),
            _scheme_form(w),
        ),
    ),
    Write(
        "review submit",
        "manager",
        lambda w: w.review,
        shown=lambda w: reverse("reviews-review", args=[w.review.pk]),
        typed=True,
        api=lambda w: (f"/api/v1/reviews/{w.review.pk}/submit/", SCORES | {"comment": TYPED}),
        page=lambda w: (reverse("reviews-review", args=[w.review.pk]), SCORES | {"comment": TYPED}),
    ),
    Write(
        "interview record",
        "manager",
        lambda w: w.reviews.interview,
        shown=lambda w: reverse("reviews-interview", args=[w.reviews.interview.pk]),
        typed=True,
        api=lambda w: (
            f"/api/v1/interviews/{w.reviews.interview.pk}/record/",
            {"strengths": TYPED},
        ),
        page=lambda w: (
            reverse("reviews-interview", args=[w.reviews.interview.pk]),
            {"strengths": TYPED, "gaps": "", "agreed_actions": ""},
        ),
    ),
    Write(
        "interview acknowledge",
        "employee",
        lambda w: w.reviews.interview,
        shown=lambda w: reverse("reviews-interview", args=[w.reviews.interview.pk]),
        api=lambda w: (f"/api/v1/interviews/{w.reviews.interview.pk}/acknowledge/", {}),
        page=lambda w: (reverse("reviews-interview-ack", args=[w.reviews.interview.pk]), {}),
    ),
    Write(
        "appeal review start",
        "hr",
        lambda w: w.reviews.appeal,
        shown=lambda w: reverse("reviews-appeal", args=[w.reviews.appeal.pk]),
        api=lambda w: (f"/api/v1/appeals/{w.reviews.appeal.pk}/review/", {}),
        page=lambda w: (reverse("reviews-appeal-action", args=[w.reviews.appeal.pk, "review"]), {}),
    ),
    Write(
        "appeal decide",
        "hr",
        lambda w: w.reviews.appeal,
        shown=lambda w: reverse("reviews-appeal", args=[w.reviews.appeal.pk]),
        prepare=_under_review,
        api=lambda w: (
            f"/api/v1/appeals/{w.reviews.appeal.pk}/decide/",
            {"change": False, "note": "Stands"},
        ),
        page=lambda w: (
            reverse("reviews-appeal-action", args=[w.reviews.appeal.pk, "uphold"]),
            {"note": "Stands"},
        ),
    ),
    Write(
        "incident correct",
        "manager",
        lambda w: w.reviews.incident,
        api=lambda w: (
            f"/api/v1/critical-incidents/{w.reviews.incident.pk}/correct/",
            {
                "occurred_on": w.reviews.incident.occurred_on.isoformat(),
                "kind": "negative",
                "description": TYPED,
            },
        ),
    ),
    Write(
        "plan close",
        "manager",
        lambda w: w.reviews.plan,
        shown=lambda w: reverse("reviews-plan", args=[w.reviews.plan.pk]),
        api=lambda w: (f"/api/v1/improvement-plans/{w.reviews.plan.pk}/close/", {}),
        page=lambda w: (reverse("reviews-plan-action", args=[w.reviews.plan.pk, "close"]), {}),
    ),
    Write(
        "plan action stage",
        "manager",
        _action,
        shown=lambda w: reverse("reviews-plan", args=[w.reviews.plan.pk]),
        api=lambda w: (
            f"/api/v1/improvement-plans/{w.reviews.plan.pk}/actions/{_action(w).pk}/stage/",
            {"stage": "do"},
        ),
        page=lambda w: (
            reverse("reviews-plan-action", args=[w.reviews.plan.pk, "stage"]),
            {"action": _action(w).pk, "stage": "do"},
        ),
    ),
    Write(
        "anchor change",
        "hr",
        lambda w: w.anchor,
        shown=lambda w: reverse("reviews-anchors", args=[w.anchor.scheme_id]) + ANCHOR,
        upsert=True,
        typed=True,
        api=lambda w: (
            "/api/v1/bars-anchors/",
            {
                "scheme": w.anchor.scheme_id,
                "behaviour": "integrity",
                "level": 50,
                "description": TYPED,
            },
        ),
        page=lambda w: (
            reverse("reviews-anchors", args=[w.anchor.scheme_id]),
            {"behaviour": "integrity", "level": "50", "description": TYPED},
        ),
    ),
    Write(
        "review policy change",
        "hr",
        lambda w: w.policy,
        shown=lambda w: reverse("reviews-anchors", args=[w.policy.scheme_id]),
        upsert=True,
        api=lambda w: (
            "/api/v1/review-policies/",
            {"scheme": w.policy.scheme_id, "hr_reads_answers": False},
        ),
        page=lambda w: (reverse("reviews-anchors", args=[w.policy.scheme_id]), {"policy": "1"}),
    ),
    Write(
        "bonus scheme revise",
        "hr",
        lambda w: w.bonus,
        stale_text="Someone has revised this scheme meanwhile",
        stale_code="scheme_stale",
        api=lambda w: (f"/api/v1/bonus-schemes/{w.bonus.pk}/revise/", {"good": "1.3"}),
        page=lambda w: (f"/incentives/cycles/{w.half.pk}/what-if/", dict(TERMS)),
    ),
]
CASES = [
    pytest.param(write, frontend, id=f"{write.name} · {frontend}")
    for write in WRITES
    for frontend in ("api", "page")
    if getattr(write, frontend) is not None
]


# --- sending and looking -----------------------------------------------------------------
def _stored(row: Model) -> Any:
    return type(row)._default_manager.get(pk=row.pk)


def snapshot(row: Model) -> tuple[dict[str, Any], int]:
    """The stored row and how many rows its table holds (a revision adds one)."""
    model = type(row)
    return model._default_manager.filter(pk=row.pk).values().get(), model._default_manager.count()


def send(cast: Cast, world: World, write: Write, frontend: str, version: int | None) -> Any:
    make = write.api if frontend == "api" else write.page
    assert make is not None
    url, data = make(world)
    client = cast.client(write.role)
    if frontend == "api" and write.api_method == "delete":
        return client.delete(url if version is None else f"{url}?version={version}")
    if version is not None:
        data = {**data, "version": version}
    if frontend == "api":
        return client.post(url, data, content_type="application/json")
    return client.post(url, data, follow=True)


def ready(world: World, cast: Cast, write: Write) -> Model:
    if write.prepare is not None:
        write.prepare(world, cast)
    return _stored(write.row(world))


def page_text(response: Any) -> str:
    """The page a post ends on: a redirect followed, or its form again (some form pages
    answer a refused save with 400 or 409)."""
    assert response.status_code in (200, 400, 409), response.status_code
    return str(response.content.decode())


# --- the three ways ----------------------------------------------------------------------
@pytest.mark.parametrize("write,frontend", CASES)
def test_a_write_without_its_version_is_refused_and_changes_nothing(
    cast: Cast, world: World, write: Write, frontend: str
) -> None:
    row = ready(world, cast, write)
    before = snapshot(row)
    response = send(cast, world, write, frontend, None)
    if frontend == "api":
        assert response.status_code == 400, response.content
        assert response.json()["fields"]["version"], response.json()
    else:
        assert MISSING in page_text(response)
    assert snapshot(row) == before


@pytest.mark.parametrize("write,frontend", CASES)
def test_a_stale_write_is_refused_changes_nothing_and_keeps_what_was_typed(
    cast: Cast, world: World, write: Write, frontend: str
) -> None:
    row = ready(world, cast, write)
    opened = row.version  # type: ignore[attr-defined]
    # someone else saves meanwhile
    type(row)._default_manager.filter(pk=row.pk).update(version=F("version") + 1)
    before = snapshot(row)
    response = send(cast, world, write, frontend, opened)
    if frontend == "api":
        assert response.status_code == 409, response.content
        assert response.json()["code"] == write.stale_code
        assert response.json()["current"]["version"] == opened + 1  # to edit from
    else:
        text = page_text(response)
        assert write.stale_text in text
        if write.typed:
            assert TYPED in text
    assert snapshot(row) == before


@pytest.mark.parametrize("write,frontend", CASES)
def test_a_write_at_the_current_version_is_saved(
    cast: Cast, world: World, write: Write, frontend: str
) -> None:
    row = ready(world, cast, write)
    before = snapshot(row)
    response = send(cast, world, write, frontend, row.version)  # type: ignore[attr-defined]
    if frontend == "api":
        assert response.status_code in (200, 201, 204), response.content
    else:
        assert MISSING not in page_text(response)
    if write.removes:
        assert not type(row)._default_manager.filter(pk=row.pk).exists()
    else:
        assert snapshot(row) != before


# The what-if's apply form shows only beside a finished preview (a job): the browser test
# (tests/browser/test_incentives.py) applies terms through it.
PAGE_WRITES = [pytest.param(w, id=w.name) for w in WRITES if w.shown is not None]


@pytest.mark.parametrize("write", PAGE_WRITES)
def test_the_page_holds_the_version_of_the_row_it_shows(
    cast: Cast, world: World, write: Write
) -> None:
    row = ready(world, cast, write)
    moved = row.version + 40  # type: ignore[attr-defined]
    type(row)._default_manager.filter(pk=row.pk).update(version=moved)
    assert write.shown is not None
    page = cast.client(write.role).get(write.shown(world))
    assert page.status_code == 200
    assert f'name="version" value="{moved}"' in page.content.decode()


# --- the schema says so -------------------------------------------------------------------
@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return dict(SchemaGenerator().get_schema(request=None, public=True))


def _template(path: str) -> str:
    return "/".join(
        "{id}" if part.isdigit() and n == 4 else "{action_id}" if part.isdigit() else part
        for n, part in enumerate(path.split("/"))
    )


def _request_schema(schema: dict[str, Any], path: str) -> dict[str, Any]:
    body = schema["paths"][_template(path)]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    return dict(schema["components"]["schemas"][name])


API_WRITES = [pytest.param(w, id=w.name) for w in WRITES if w.api is not None]


@pytest.mark.parametrize("write", API_WRITES)
def test_the_schema_requires_the_version_of_every_edit_but_an_upsert(
    schema: dict[str, Any], world: World, write: Write
) -> None:
    assert write.api is not None
    url, _body = write.api(world)
    if write.api_method == "delete":
        parameters = schema["paths"][_template(url)]["delete"]["parameters"]
        assert {"name": "version", "required": True}.items() <= next(
            p for p in parameters if p["name"] == "version"
        ).items()
        return
    component = _request_schema(schema, url)
    assert "version" in component["properties"]
    assert ("version" in component.get("required", [])) is not write.upsert


# --- the rule itself ----------------------------------------------------------------------
def test_only_a_system_job_may_leave_the_version_out(cast: Cast) -> None:
    require_version(SYSTEM, None)
    require_version(cast.hr.user, 3)
    with pytest.raises(ValidationError) as refused:
        require_version(cast.hr.user, None)
    assert refused.value.message_dict == {"version": [MISSING]}


def test_a_stale_version_is_refused_with_the_stored_row(cast: Cast) -> None:
    row = BonusScheme(name="Any", version=4)
    refuse_stale(row, 4)
    refuse_stale(row, None)  # a system job's: require_version let it through
    with pytest.raises(StaleRecord) as refused:
        refuse_stale(row, 3, message="moved on")
    assert refused.value.current is row and refused.value.messages == ["moved on"]
    assert refused.value.code == "stale"


def test_the_world_is_where_the_table_expects_it(world: World) -> None:
    assert world.half.status == "calibration" and world.result.grade
    assert world.reviews.appeal.status == "submitted"
    assert world.reviews.interview.recorded_at is not None
