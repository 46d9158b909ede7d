"""Feedback on a scorecard item from the item's page (issue 12, "threads … on any scorecard
item"): reviews contributes the panel through scorecard's item-panel registry, so the
scorecard app never imports reviews. The owner and their manager get it; whoever else may
read the item gets none; out of scope is a 404 before any panel."""

from __future__ import annotations

import ast

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import FeedbackThread, FeedbackTopic
from reviews.services.feedback import feedback_thread_start
from scorecard.item_panels import item_panels
from scorecard.models import ScorecardItem
from tests import test_reviews_access as access
from tests.access import assert_scoped, expect
from tests.conftest import Cast
from tests.test_reviews_access import World
from tests.test_scorecard_layering import SOURCES, _imported

# the people-side world of the access tests (the employee's worked-example scorecard)
world_rows, cast, world = access.world_rows, access.cast, access.world


def item_of(world: World) -> ScorecardItem:
    return ScorecardItem.objects.filter(scorecard_id=world.result.scorecard_id).order_by("pk")[0]


def test_reviews_contributes_the_panel_through_the_registry() -> None:
    assert "reviews.feedback" in item_panels.names()
    # and scorecard, the lower app, imports nothing of reviews
    imported = [name for path in SOURCES for name in _imported(ast.parse(path.read_text()))]
    assert "scorecard.item_panels" in imported
    assert not [name for name in imported if name.split(".")[0] == "reviews"]


def test_the_owner_and_their_manager_get_the_feedback_panel_and_nobody_else(
    cast: Cast, world: World
) -> None:
    url = reverse("scorecard-item", args=[item_of(world).pk])
    assert_scoped(cast, url, expect({"employee", "manager", "hr", "executive"}))
    shown = {
        role: "data-item-feedback" in cast.client(role).get(url).content.decode()
        for role in ("employee", "manager", "hr", "executive")
    }
    assert shown == {"employee": True, "manager": True, "hr": False, "executive": False}


def test_a_thread_started_from_the_item_page_is_listed_there_and_scoped(
    cast: Cast, world: World
) -> None:
    item = item_of(world)
    page = reverse("scorecard-item", args=[item.pk])
    form = cast.client("employee").get(page).content.decode()
    assert f'name="target" value="{item.pk}"' in form and reverse("reviews-feedback-on") in form
    response = cast.client("employee").post(
        reverse("reviews-feedback-on"),
        {"topic": "item", "target": item.pk, "subject": "Target too high?", "body": "Let's talk"},
    )
    thread = FeedbackThread.objects.get(item=item)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews-feedback-thread", args=[thread.pk]
    )
    assert (thread.topic, thread.employee_id) == (FeedbackTopic.ITEM, cast.employee.pk)
    for role in ("employee", "manager"):
        body = cast.client(role).get(page).content.decode()
        assert "Target too high?" in body, role
        assert reverse("reviews-feedback-thread", args=[thread.pk]) in body, role
    assert "Target too high?" not in cast.client("hr").get(page).content.decode()
    thread_page = reverse("reviews-feedback-thread", args=[thread.pk])
    assert_scoped(cast, thread_page, expect({"employee", "manager"}))


def test_a_reader_outside_the_item_s_scope_cannot_start_a_thread_on_it(
    cast: Cast, world: World
) -> None:
    item = item_of(world)
    response = cast.client("sibling_manager").post(
        reverse("reviews-feedback-on"),
        {"topic": "item", "target": item.pk, "subject": "Nosy", "body": "Hello"},
    )
    assert response.status_code == 404
    assert not FeedbackThread.objects.filter(item=item).exists()


def test_the_item_page_costs_the_same_with_more_threads(cast: Cast, world: World) -> None:
    item = item_of(world)
    client = cast.client("employee")
    url = reverse("scorecard-item", args=[item.pk])

    def queries_with(threads: int) -> int:
        while FeedbackThread.objects.filter(item=item).count() < threads:
            feedback_thread_start(
                actor=cast.manager.user, topic=FeedbackTopic.ITEM, item=item,
                subject="On this item", body="Let's talk",
            )  # fmt: skip
        client.get(url)  # warm up
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert page.count("On this item") == threads
        return len(queries)

    assert queries_with(1) == queries_with(5)


def test_a_thread_without_its_text_is_refused_on_a_page_that_keeps_what_was_typed(
    cast: Cast, world: World
) -> None:
    item = item_of(world)
    response = cast.client("employee").post(
        reverse("reviews-feedback-on"),
        {"topic": FeedbackTopic.ITEM, "target": item.pk, "subject": "Q3 figures", "body": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_body-errors"' in page
    assert 'value="Q3 figures"' in page
    assert reverse("scorecard-item", args=[item.pk]) in page  # the way back
    assert not FeedbackThread.objects.filter(item=item, subject="Q3 figures").exists()
