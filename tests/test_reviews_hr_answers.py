"""HR sees completion, not who said what, unless the scheme says otherwise (issue 12): the
scheme's review policy (default off), set by HR of the scheme's owner unit on its current
version, versioned with the scheme; with it on, HR of the result's unit reads each answer
with the reviewer's name on the result's page and in the API — nobody else, and never the
person reviewed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment.models import AssessmentScheme
from assessment.services.schemes import scheme_revise
from org.versions import StaleRecord
from reviews import policy
from reviews.models import Review, ReviewPolicy
from reviews.services.policy import review_policy_set
from tests import test_reviews_access as access
from tests.access import API, assert_scoped, expect
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.test_reviews_access import World

# the people-side world of the access tests, and its fixtures
world_rows, cast, world = access.world_rows, access.cast, access.world


def scheme_of(world: World) -> AssessmentScheme:
    return AssessmentScheme.objects.get(pk=world.result.cycle.scheme_id)


def turn_on(cast: Cast, world: World) -> ReviewPolicy:
    return review_policy_set(actor=cast.hr.user, scheme=scheme_of(world), hr_reads_answers=True)


def answers_url(world: World) -> str:
    return f"/api/v1/result-reviews/{world.result.pk}/answers/"


def page_url(world: World) -> str:
    return reverse("reviews-result", args=[world.result.pk])


ROLES = ("employee", "manager", "sibling_manager", "hr", "executive")


# --- off (the default) -------------------------------------------------------------------


def test_by_default_nobody_reads_who_said_what_through_the_api(cast: Cast, world: World) -> None:
    assert not policy.hr_reads_answers(scheme_of(world).pk)
    assert_scoped(cast, answers_url(world), expect(set(), anonymous=API))


def test_by_default_hr_s_page_shows_completion_only(cast: Cast, world: World) -> None:
    page = cast.client("hr").get(page_url(world)).content.decode()
    assert "data-answers-hidden" in page and "data-answers>" not in page
    assert "Comment by" not in page
    assert "Completion" in page


def test_hr_s_answers_queryset_follows_the_policy(cast: Cast, world: World) -> None:
    from reviews.models.reviews import ANSWERS

    def reached(role: str) -> set[int]:
        user = getattr(cast, role).user
        return set(Review.objects.restrict(user, ANSWERS).values_list("pk", flat=True))

    everyone = set(Review.objects.filter(result=world.result).values_list("pk", flat=True))
    assert reached("hr") == set()
    turn_on(cast, world)
    assert reached("hr") == everyone
    for role in ("employee", "manager", "sibling_manager", "executive"):
        assert reached(role) == set(), role


# --- on ----------------------------------------------------------------------------------


def test_with_the_policy_on_only_hr_reads_who_said_what_through_the_api(
    cast: Cast, world: World
) -> None:
    turn_on(cast, world)
    assert_scoped(cast, answers_url(world), expect({"hr"}, anonymous=API))
    rows = cast.client("hr").get(answers_url(world)).json()
    said = {(row["reviewer_name"], row["kind"], row["integrity"]) for row in rows}
    assert {(p.name, "peer", f"{60 + 5 * n}.00") for n, p in enumerate(world.peers)} <= said
    assert (cast.manager.name, "superior", "90.00") in said
    assert all(
        set(row)
        == {"id", "reviewer", "reviewer_name", "kind", "integrity", "synergy",
            "systematicness", "comment", "submitted_at"}
        for row in rows
    )  # fmt: skip
    assert {row["comment"] for row in rows} >= {f"Comment by {p.name}" for p in world.peers}


def test_with_the_policy_on_hr_s_page_shows_who_said_what_and_nobody_else_s(
    cast: Cast, world: World
) -> None:
    turn_on(cast, world)
    pages = {role: cast.client(role).get(page_url(world)) for role in ROLES}
    hr = pages["hr"].content.decode()
    assert "data-answers" in hr and "data-answers-hidden" not in hr
    for peer in world.peers:
        assert f"Comment by {peer.name}" in hr
    for role in ("employee", "manager", "executive"):
        assert pages[role].status_code == 200
        assert "Comment by" not in pages[role].content.decode(), role
    assert pages["sibling_manager"].status_code == 404


def test_the_person_reviewed_never_reads_who_said_what_with_the_policy_on(
    cast: Cast, world: World
) -> None:
    from reviews.selectors import answers

    turn_on(cast, world)
    with pytest.raises(Http404):
        answers(cast.employee.user, world.result.pk)
    assert cast.client("employee").get(answers_url(world)).status_code == 404


def test_the_reviewer_is_told_when_hr_reads_their_answer(cast: Cast, world: World) -> None:
    url = reverse("reviews-review", args=[world.peer_review.pk])
    client = Client()
    client.force_login(world.peers[0].user)
    assert "data-hr-reads" not in client.get(url).content.decode()
    turn_on(cast, world)
    assert "data-hr-reads" in client.get(url).content.decode()


def _answers_queries(cast: Cast, world: World) -> int:
    client = cast.client("hr")
    client.get(answers_url(world))  # warm up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(answers_url(world)).status_code == 200
    return len(queries)


def test_reading_who_said_what_costs_the_same_at_two_sizes(cast: Cast, world: World) -> None:
    turn_on(cast, world)
    small = _answers_queries(cast, world)
    extra = [
        EmployeeFactory.create(unit=cast.engineering, line_manager=cast.manager) for _ in range(4)
    ]
    Review.objects.bulk_create(
        Review(
            result=world.result,
            reviewer=e,
            kind="peer",
            integrity=Decimal(70 + n),
            synergy=Decimal(70),
            systematicness=Decimal(70),
            comment=f"Extra {n}",
            submitted_at=world.result.cycle.published_at,
        )
        for n, e in enumerate(extra)
    )
    large = _answers_queries(cast, world)
    assert large == small
    names = {row["reviewer_name"] for row in cast.client("hr").get(answers_url(world)).json()}
    assert names >= {e.name for e in extra}


# --- the policy itself -------------------------------------------------------------------


def test_only_hr_of_the_scheme_s_owner_sets_the_policy(cast: Cast, world: World) -> None:
    scheme = scheme_of(world)
    for who in (cast.employee, cast.manager, cast.sibling_manager, cast.executive):
        with pytest.raises(Http404):
            review_policy_set(actor=who.user, scheme=scheme, hr_reads_answers=True)
    assert not ReviewPolicy.objects.exists()
    row = turn_on(cast, world)
    assert row.hr_reads_answers and row.version == 1  # moved on from the inherited 0
    latest = row.history.latest()
    assert latest.history_user_id == cast.hr.user.pk
    assert latest.history_change_reason == "HR reads answers"


def test_a_stale_policy_edit_is_refused(cast: Cast, world: World) -> None:
    row = turn_on(cast, world)
    scheme = scheme_of(world)
    review_policy_set(actor=cast.hr.user, scheme=scheme, hr_reads_answers=False, version=1)
    with pytest.raises(StaleRecord):
        review_policy_set(actor=cast.hr.user, scheme=scheme, hr_reads_answers=True, version=1)
    with pytest.raises(StaleRecord):  # who opened the inherited policy cannot overwrite it
        review_policy_set(actor=cast.hr.user, scheme=scheme, hr_reads_answers=True, version=0)
    row.refresh_from_db()
    assert (row.hr_reads_answers, row.version) == (False, 2)


def test_the_policy_is_versioned_with_the_scheme(cast: Cast, world: World) -> None:
    old = scheme_of(world)
    turn_on(cast, world)
    new = scheme_revise(
        actor=cast.hr.user, scheme=old, version=old.version, name=f"{old.name} (revised)"
    )
    # the revision keeps the policy; the superseded version takes no edit
    assert policy.hr_reads_answers(new.pk)
    with pytest.raises(StaleRecord):
        review_policy_set(actor=cast.hr.user, scheme=old, hr_reads_answers=False)
    review_policy_set(actor=cast.hr.user, scheme=new, hr_reads_answers=False)
    # turned off for new cycles; the cycle opened on the old version keeps its policy
    assert not policy.hr_reads_answers(new.pk)
    assert policy.hr_reads_answers(old.pk)
    assert cast.client("hr").get(answers_url(world)).status_code == 200


def test_the_policy_through_the_api_and_the_scheme_page(cast: Cast, world: World) -> None:
    scheme = scheme_of(world)
    body = {"scheme": scheme.pk, "hr_reads_answers": True}
    assert_scoped(
        cast, "/api/v1/review-policies/", expect(
            # the scheme is out of reach of a writer who is not HR: 400 (no such scheme) or 404
            {"hr"}, ok=201, employee=400, manager=400, sibling_manager=400, anonymous=API
        ),
        method="post", data=body, content_type="application/json",
    )  # fmt: skip
    assert not policy.hr_reads_answers(scheme.pk)  # each role's post was rolled back
    created = cast.client("hr").post("/api/v1/review-policies/", body, "application/json")
    assert created.status_code == 201 and created.json()["hr_reads_answers"] is True
    listed = cast.client("hr").get("/api/v1/review-policies/").json()["results"]
    assert [row["scheme"] for row in listed] == [scheme.pk]
    page = reverse("reviews-anchors", args=[scheme.pk])
    assert 'data-policy="on"' in cast.client("hr").get(page).content.decode()
    response = cast.client("hr").post(page, {"policy": "1", "version": "1"})
    assert response.status_code == 302
    assert not policy.hr_reads_answers(scheme.pk)
    assert 'data-policy="off"' in cast.client("executive").get(page).content.decode()
    assert cast.client("executive").post(page, {"policy": "1"}).status_code == 404
