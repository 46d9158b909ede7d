"""Issue 8, finding 8: the admin answers a locked scorecard's rows with a message, never a
500 — also when a form is saved, or a history version restored, with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from scorecard.models import Scorecard, ScorecardItem
from tests.conftest import Cast
from tests.test_scorecard_lock import (
    _admin_form_data,
    _form_data,
    _quantitative,
    admin_client,
    signed,
)

pytestmark = pytest.mark.django_db
__all__ = ["admin_client", "signed"]  # fixtures, used by name


def _item_url(item: ScorecardItem, view: str = "change", *args: Any) -> str:
    return reverse(f"admin:scorecard_scorecarditem_{view}", args=[item.pk, *args])


def test_saving_a_locked_item_unchanged_writes_nothing_and_is_no_500(
    admin_client: Client, signed: Scorecard
) -> None:
    item = _quantitative(signed)
    before = item.history.count()
    data = _admin_form_data(admin_client.get(_item_url(item)))
    response = admin_client.post(_item_url(item), data)
    assert response.status_code in (200, 302), response.status_code
    assert item.history.count() == before


def test_saving_a_locked_scorecard_unchanged_is_no_500(
    admin_client: Client, signed: Scorecard
) -> None:
    url = reverse("admin:scorecard_scorecard_change", args=[signed.pk])
    data = _admin_form_data(admin_client.get(url))
    response = admin_client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    assert signed.history.count() == Scorecard.history.filter(id=signed.pk).count()


def test_restoring_a_history_version_of_a_locked_item_is_no_500(
    admin_client: Client, cast: Cast, signed: Scorecard
) -> None:
    item = _quantitative(signed)
    version = item.history.order_by("-history_id").first()
    assert version is not None
    url = _item_url(item, "simple_history", version.history_id)
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(url, _form_data(page.context["adminform"].form))
    assert response.status_code in (200, 302), response.status_code
    item.refresh_from_db()
    assert item.target == _quantitative(signed).target
