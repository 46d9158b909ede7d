"""Anonymity that holds (issue 12): walk every page, API endpoint and export the reviewee
can reach — the people side, their result, the cycle export, their home page, their
notifications — and find no peer reviewer's name, login or id; nor in the audit trail."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from assessment.models import AssessmentResult
from notifications.models import Notification
from reviews import policy
from reviews.models import Review
from reviews.services.policy import review_policy_set
from tests.access import fresh, module_rows
from tests.conftest import Cast
from tests.test_reviews_access import World, build_world, endpoints, pages


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(django_db_blocker, lambda: build_world(cast_rows))


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


PERSON_KEYS = (
    "reviewer",
    "author",
    "owner",
    "started_by",
    "manager",
    "recipient",
    "user",
    "decided_by",
)


def reachable(cast: Cast, world: World) -> list[str]:
    """Every URL of the walk the reviewee gets a 200 from (checked, so the walk is real)."""
    urls = [url for url, expected in pages(world) + endpoints(world) if expected["employee"] == 200]
    urls += [
        "/",
        reverse("assessment-result", args=[world.result.pk]),
        reverse("assessment-cycle", args=[world.result.cycle_id]),
        reverse("assessment-cycle-export", args=[world.result.cycle_id]),
        f"/api/v1/assessment-results/{world.result.pk}/",
        "/api/v1/assessment-results/",
        reverse("notification-inbox"),
        "/api/v1/notifications/",
        f"/api/v1/appeals/?result={world.result.pk}",
        f"/api/v1/feedback-threads/{world.thread.pk}/",
    ]
    return urls


COLLEAGUE_PICKER = re.compile(r'<select name="employee".*?</select>', re.S)


def text_of(response: Any) -> str:
    """What a response shows, but the colleague picker of the feedback form: it lists the
    people one may give feedback to (one's unit and the units around it), whoever they are,
    and says nothing about reviews."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    return COLLEAGUE_PICKER.sub("", response.content.decode())


def person_ids(data: Any) -> list[Any]:
    """Values of person-like keys anywhere in a JSON document."""
    found: list[Any] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if any(k in key for k in PERSON_KEYS):
                found.append(value)
            found += person_ids(value)
    elif isinstance(data, list):
        for value in data:
            found += person_ids(value)
    return found


@pytest.mark.parametrize("hr_reads_answers", [False, True], ids=["policy off", "policy on"])
def test_no_page_endpoint_export_or_notification_names_a_peer_reviewer(
    cast: Cast, world: World, hr_reads_answers: bool
) -> None:
    # with the scheme letting HR read who said what, the reviewee still reads groups only
    if hr_reads_answers:
        review_policy_set(
            actor=cast.hr.user, scheme=world.result.cycle.scheme, hr_reads_answers=True
        )
    assert policy.hr_reads_answers(world.result.cycle.scheme_id) is hr_reads_answers
    client = cast.client("employee")
    peers = world.peers
    secrets = [p.name for p in peers] + [p.user.username for p in peers]
    ids = {p.pk for p in peers} | {p.user_id for p in peers}
    assert Notification.objects.filter(recipient=cast.employee.user).exists()
    walked = 0
    for url in reachable(cast, world):
        response = client.get(url)
        assert response.status_code == 200, url
        body = text_of(response)
        leaked = [s for s in secrets if s in body]
        assert not leaked, f"{url} shows {leaked}"
        assert "reviewer" not in body.lower() or "json" not in response["Content-Type"], url
        if "json" in response["Content-Type"]:
            assert not ids & {v for v in person_ids(json.loads(body)) if isinstance(v, int)}, url
        walked += 1
    assert walked >= 20
    assert client.get(f"/api/v1/result-reviews/{world.result.pk}/answers/").status_code == 404


def test_the_reviewee_sees_the_peer_group_mean_but_no_review_row(cast: Cast, world: World) -> None:
    client = cast.client("employee")
    summary = client.get(f"/api/v1/result-reviews/{world.result.pk}/").json()
    # three peers stand as a group; the lone superior merges into it (and the page says so)
    assert [(g["kinds"], g["count"]) for g in summary["groups"]] == [(["peer", "superior"], 4)]
    assert summary["merged"] and summary["groups"][0]["mean"] == "71.25"  # (60+65+70+90)/4
    assert client.get(f"/api/v1/reviews/{world.peer_review.pk}/").status_code == 404
    assert client.get(reverse("reviews-review", args=[world.peer_review.pk])).status_code == 404
    mine = client.get("/api/v1/reviews/").json()["results"]
    assert [row["id"] for row in mine] == [world.self_review.pk]


def test_the_audit_trail_records_no_peer_behind_an_answer(cast: Cast, world: World) -> None:
    peer_users = {p.user_id for p in world.peers}
    assert not any(hasattr(h, "reviewer_id") for h in Review.history.all())
    # who asked (HR) is recorded; who answered is not
    assert not set(Review.history.values_list("history_user_id", flat=True)) & peer_users
    assert set(
        Review.history.filter(history_type="~").values_list("history_user_id", flat=True)
    ) == {None}
    result_history = AssessmentResult.history.filter(id=world.result.pk)
    assert not set(result_history.values_list("history_user_id", flat=True)) & peer_users


def test_hr_sees_who_is_asked_and_counts_but_never_an_answer(cast: Cast, world: World) -> None:
    client = cast.client("hr")
    slots = client.get(f"/api/v1/result-reviews/{world.result.pk}/reviewers/").json()
    assert {row["reviewer_name"] for row in slots} >= {p.name for p in world.peers}
    fields = {"id", "reviewer", "reviewer_name", "kind", "answered", "version"}
    assert all(set(row) == fields for row in slots)
    page = client.get(reverse("reviews-result", args=[world.result.pk])).content.decode()
    assert "Comment by" not in page
    assert client.get(f"/api/v1/reviews/{world.peer_review.pk}/").status_code == 404
