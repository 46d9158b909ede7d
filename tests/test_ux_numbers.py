"""Reading numbers: the plan to date stands beside the latest actual, and a score of 0 or
120 says why (issue 9, finding 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from scorecard.models import ActualStatus
from scorecard.templatetags.scorecard_extras import score_note
from tests.conftest import Cast
from tests.factories_scorecard import ItemFactory, ScorecardFactory
from tests.factories_tracking import ActualFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_score_note_names_the_end_of_the_scale_a_score_sits_at() -> None:
    assert "below the baseline" in score_note(D(0))
    assert "cap" in score_note(D(120))
    assert "100 at the target" in score_note(D("87.5"))
    assert "No score" in score_note(None)


def test_the_scorecard_page_shows_the_plan_to_date_and_explains_the_scores(
    cast: Cast, clock: object
) -> None:
    card = ScorecardFactory.create(unit=cast.engineering, year=2026)
    low = ItemFactory.create(
        scorecard=card, name="Low", baseline=D(400), target=D(500), challenge=D(600)
    )
    high = ItemFactory.create(
        scorecard=card, name="High", baseline=D(40), target=D(50), challenge=D(60)
    )
    for month in (1, 2):
        ActualFactory.create(item=low, month=month, value=D(1), status=ActualStatus.APPROVED)
        ActualFactory.create(item=high, month=month, value=D(90), status=ActualStatus.APPROVED)
    page = cast.client("manager").get(reverse("scorecard-detail", args=[card.pk]))
    html = page.content.decode()
    rows = {r.item.name: r for r in page.context["quantitative"]}
    assert rows["Low"].plan_to_date is not None
    assert "to date 2 of plan" in html
    assert rows["Low"].score == 0 and rows["High"].score == 120
    assert 'title="0 points: the value to date is below the baseline (or the floor)."' in html
    assert ">cap</span>" in html and 'id="score-scale"' in html
