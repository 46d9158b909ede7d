"""The scorecard app's home panels: one's own card (its goals, status and letter) and the
units one may browse, in the same queries whatever the card's size."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from org.scoping import scope_of
from scorecard.nav import home_panels
from tests.conftest import Cast
from tests.factories_scorecard import YEAR, ItemFactory, KeyTaskFactory, ScorecardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("items", [1, 7])
def test_my_card_on_the_home_page_in_constant_queries(
    cast: Cast, items: int, django_assert_num_queries: Any
) -> None:
    card = ScorecardFactory.create(unit=cast.engineering, employee=cast.employee, year=YEAR)
    ItemFactory.create_batch(items, scorecard=card)
    KeyTaskFactory(scorecard=card)
    ScorecardFactory.create(unit=cast.engineering, employee=cast.manager, year=YEAR)
    request = RequestFactory().get("/", {"year": YEAR})
    request.user = cast.employee.user
    scope = scope_of(cast.employee.user)
    # one's own card with its item count and letter status; the letters awaiting
    with django_assert_num_queries(2):
        panels = home_panels(request, scope)
    mine = panels[0].context["mine"]
    assert (mine.pk, mine.item_count, mine.letter_status) == (card.pk, items + 1, None)
    body = cast.client("employee").get(reverse("home"), {"year": YEAR}).content.decode()
    assert f'<p class="spm-stat mb-0">{items + 1}</p>' in body


def test_no_card_no_count(cast: Cast) -> None:
    request = RequestFactory().get("/", {"year": YEAR})
    request.user = cast.employee.user
    panels = home_panels(request, scope_of(cast.employee.user))
    assert panels[0].context["mine"] is None
    body = cast.client("employee").get(reverse("home"), {"year": YEAR}).content.decode()
    assert "No scorecard for you this year yet." in body
