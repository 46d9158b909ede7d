"""Issue 8, finding 4: an edit without the version it was based on is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scorecard.models import ScorecardItem
from scorecard.services.items import item_update
from tests.conftest import Cast
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.django_db


def _item(cast: Cast) -> ScorecardItem:
    return unit_scorecard(cast.engineering).items.filter(kind="quantitative").get()


def test_an_item_edit_without_a_version_is_refused_by_the_service(cast: Cast) -> None:
    item = _item(cast)
    with pytest.raises(ValidationError) as refused:
        item_update(actor=cast.manager.user, item=item, expected_version=None, name="X")
    assert "version" in refused.value.message_dict
    item.refresh_from_db()
    assert item.name != "X"


def test_an_item_page_post_without_the_version_overwrites_nothing(cast: Cast) -> None:
    item = _item(cast)
    item_update(actor=cast.hr.user, item=item, expected_version=item.version, name="HR's name")
    page = cast.client("manager").get(reverse("scorecard-item-edit", args=[item.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.pop("version", None)
    data["name"] = "Manager's name"
    cast.client("manager").post(reverse("scorecard-item-edit", args=[item.pk]), data)
    item.refresh_from_db()
    assert item.name == "HR's name"
