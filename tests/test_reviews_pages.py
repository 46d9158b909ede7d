"""The people-side pages at work: the home panel lists what waits for someone, feedback
starts from a result's page, the appeal list filters in place (HTMX), managers record
incidents and schedule interviews from their pages, and appeals notify both sides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from notifications.models import Notification
from reviews.models import CriticalIncident, FeedbackThread, Interview
from tests.access import fresh, module_rows
from tests.conftest import Cast
from tests.test_reviews_access import World, build_world


@pytest.fixture(scope="module")
def world_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[World]:
    yield from module_rows(django_db_blocker, lambda: build_world(cast_rows))


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    return shared_cast


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    return fresh(world_rows)


def test_the_home_page_lists_the_open_improvement_action_and_the_open_appeal(
    cast: Cast, world: World
) -> None:
    page = cast.client("employee").get("/").content.decode()
    assert "Waiting for you" in page
    assert "Weekly site report" in page
    assert reverse("reviews-appeal", args=[world.appeal.pk]) in page


def test_the_manager_home_page_asks_to_acknowledge_the_interview(cast: Cast, world: World) -> None:
    page = cast.client("manager").get("/").content.decode()
    assert reverse("reviews-interview", args=[world.interview.pk]) in page


def test_feedback_on_a_scorecard_item_starts_from_the_results_page(
    cast: Cast, world: World
) -> None:
    client = cast.client("employee")
    page = client.get(reverse("reviews-result", args=[world.result.pk])).content.decode()
    assert "On a scorecard item" in page
    item = world.result.scorecard.items.order_by("pk").first()
    assert item is not None
    response = client.post(
        reverse("reviews-feedback-on"),
        {"topic": "item", "target": item.pk, "subject": "Capacity", "body": "Realistic?"},
    )
    thread = FeedbackThread.objects.get(item=item)
    assert response["Location"] == reverse("reviews-feedback-thread", args=[thread.pk])
    assert Notification.objects.filter(
        recipient=cast.manager.user, kind="reviews.feedback"
    ).exists()


def test_the_appeal_list_filters_in_place(cast: Cast, world: World) -> None:
    client = cast.client("hr")
    partial = client.get(reverse("reviews-appeals") + "?status=changed", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "No appeal." in body
    full = client.get(reverse("reviews-appeals") + "?status=submitted").content.decode()
    assert reverse("reviews-appeal", args=[world.appeal.pk]) in full


def test_a_manager_records_an_incident_and_schedules_an_interview_from_the_pages(
    cast: Cast, world: World
) -> None:
    client = cast.client("manager")
    response = client.post(
        reverse("reviews-incidents"),
        {"employee": cast.site_worker.pk, "occurred_on": "2026-01-05", "kind": "negative",
         "description": "Left the gate open"},
    )  # fmt: skip
    assert response.status_code == 302
    assert CriticalIncident.objects.filter(employee=cast.site_worker).exists()
    response = client.post(
        reverse("reviews-interviews"),
        {"employee": cast.site_worker.pk, "scheduled_for": "2027-02-01T10:00", "place": "Site"},
    )
    talk = Interview.objects.get(employee=cast.site_worker)
    assert response["Location"] == reverse("reviews-interview", args=[talk.pk])


def test_a_manager_may_not_record_an_incident_about_someone_outside_their_units(
    cast: Cast, world: World
) -> None:
    response = cast.client("manager").post(
        reverse("reviews-incidents"),
        {"employee": cast.finance_clerk.pk, "occurred_on": "2026-01-05", "kind": "negative",
         "description": "x"},
    )  # fmt: skip
    assert response.status_code == 200  # the form again: not a choice for this manager
    assert not CriticalIncident.objects.filter(employee=cast.finance_clerk).exists()


def test_an_appeal_tells_hr_and_its_decision_tells_the_appellant(cast: Cast, world: World) -> None:
    assert Notification.objects.filter(
        recipient=cast.hr.user, kind="reviews.appeal_submitted"
    ).exists()
    client = cast.client("hr")
    version = world.appeal.version
    client.post(
        reverse("reviews-appeal-action", args=[world.appeal.pk, "review"]), {"version": version}
    )
    client.post(
        reverse("reviews-appeal-action", args=[world.appeal.pk, "uphold"]),
        {"note": "The peers' ratings stand.", "version": version + 1},
    )
    world.appeal.refresh_from_db()
    assert world.appeal.status == "upheld"
    told = Notification.objects.get(recipient=cast.employee.user, kind="reviews.appeal_decided")
    from notifications.messages import render

    assert "Upheld" in render(told.kind, told.params)[1]
