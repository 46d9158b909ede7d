"""A signed scorecard cannot change through any path — page, API, admin — until amended;
tracking (actuals, milestone completion) goes on."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from scorecard.models import ItemKind, Milestone, Scorecard, ScorecardItem, ScorecardStatus
from scorecard.services.actuals import actual_record
from scorecard.services.letters import (
    letter_countersign,
    letter_issue,
    letter_sign,
    scorecard_amend,
)
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.factories_tracking import unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(cast: Cast) -> Scorecard:
    """Engineering's scorecard, its letter signed and countersigned (locked)."""
    scorecard = unit_scorecard(cast.engineering)
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    letter_sign(actor=cast.manager.user, letter=letter)
    letter_countersign(actor=cast.executive.user, letter=letter)
    scorecard.refresh_from_db()
    assert scorecard.locked
    return scorecard


def _quantitative(scorecard: Scorecard) -> ScorecardItem:
    return scorecard.items.get(kind=ItemKind.QUANTITATIVE)


def _amend(cast: Cast, scorecard: Scorecard) -> None:
    scorecard_amend(actor=cast.executive.user, scorecard=scorecard, reason="New capacity plan")


def _form_data(form: Any) -> dict[str, Any]:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or (getattr(field, "disabled", False)):
            continue
        data[form.add_prefix(name)] = value
    return data


# --- Page --------------------------------------------------------------------------------


def test_the_item_edit_page_refuses_a_locked_scorecard(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.engineering)
    item = _quantitative(scorecard)
    client = cast.client("hr")  # the unit head (manager) signs; goals are set from above
    url = reverse("scorecard-item-edit", args=[item.pk])
    data = _form_data(client.get(url).context["form"])  # a valid form, read while a draft
    data["target"] = "550"
    letter = letter_issue(actor=cast.executive.user, scorecard=scorecard)
    letter_sign(actor=cast.manager.user, letter=letter)
    letter_countersign(actor=cast.executive.user, letter=letter)

    response = client.post(url, data)
    assert response.status_code != 500
    item.refresh_from_db()
    assert item.target == Decimal("500")

    _amend(cast, scorecard)
    data["version"] = item.version
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.target == Decimal("550")


# --- API ---------------------------------------------------------------------------------


def test_the_api_refuses_to_patch_an_item_of_a_locked_scorecard(
    cast: Cast, signed: Scorecard
) -> None:
    item = _quantitative(signed)
    client = cast.client("hr")  # not the unit head: their unit's goals are set from above
    url = f"/api/v1/scorecard-items/{item.pk}/"
    body = {"target": "550", "version": item.version}
    response = client.patch(url, body, content_type="application/json")
    assert 400 <= response.status_code < 500
    item.refresh_from_db()
    assert item.target == Decimal("500")
    deleted = client.delete(url, {"version": item.version}, content_type="application/json")
    assert 400 <= deleted.status_code < 500
    assert ScorecardItem.objects.filter(pk=item.pk).exists()

    _amend(cast, signed)
    assert client.patch(url, body, content_type="application/json").status_code == 200
    item.refresh_from_db()
    assert item.target == Decimal("550")


# --- Admin -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(db: Any) -> Client:
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def _admin_form_data(response: Any) -> dict[str, Any]:
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    return data


def test_the_admin_shows_a_clear_error_instead_of_saving_a_locked_item(
    admin_client: Client, cast: Cast, signed: Scorecard
) -> None:
    item = _quantitative(signed)
    url = reverse("admin:scorecard_scorecarditem_change", args=[item.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = _admin_form_data(page)
    data["target"] = "550"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "signed and locked" in response.content.decode()
    item.refresh_from_db()
    assert item.target == Decimal("500")

    _amend(cast, signed)
    page = admin_client.get(url)
    data = _admin_form_data(page)
    data["target"] = "550"
    assert admin_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.target == Decimal("550")


def test_the_admin_refuses_to_add_an_item_to_a_locked_scorecard(
    admin_client: Client, signed: Scorecard
) -> None:
    url = reverse("admin:scorecard_scorecarditem_add")
    page = admin_client.get(url)
    data = _admin_form_data(page)
    data.update(scorecard=signed.pk, kind=ItemKind.KEY_TASK, name="A late addition", weight="0")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "signed and locked" in response.content.decode()
    assert not ScorecardItem.objects.filter(name="A late addition").exists()


def test_the_admin_refuses_to_delete_a_locked_row_with_a_message(
    admin_client: Client, signed: Scorecard
) -> None:
    milestone = Milestone.objects.filter(item__scorecard=signed).first()
    url = reverse("admin:scorecard_milestone_delete", args=[milestone.pk])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "signed and locked" in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    bulk = admin_client.post(
        reverse("admin:scorecard_milestone_changelist"),
        {"action": "delete_selected", "_selected_action": [milestone.pk], "post": "yes"},
        follow=True,
    )
    assert "Nothing was deleted" in bulk.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_the_admin_cannot_change_a_signed_scorecard_nor_its_status(
    admin_client: Client, signed: Scorecard
) -> None:
    url = reverse("admin:scorecard_scorecard_change", args=[signed.pk])
    page = admin_client.get(url)
    data = _admin_form_data(page)
    data["year"] = "2027"
    data["status"] = ScorecardStatus.DRAFT  # read-only: ignored
    response = admin_client.post(url, data)
    assert "signed and locked" in response.content.decode()
    signed.refresh_from_db()
    assert (signed.year, signed.status) == (2026, ScorecardStatus.SIGNED)


def test_the_admin_records_a_milestone_completion_on_a_locked_scorecard(
    admin_client: Client, signed: Scorecard
) -> None:
    milestone = Milestone.objects.filter(item__scorecard=signed).first()
    url = reverse("admin:scorecard_milestone_change", args=[milestone.pk])
    data = _admin_form_data(admin_client.get(url))
    data["completed_on"] = "2026-03-30"
    assert admin_client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2026, 3, 30)


@pytest.mark.parametrize(
    "url_name", ["responsibilityletter", "monthlyactual", "closedperiod", "indicator"]
)
def test_the_admin_lists_the_tracking_models(
    admin_client: Client, signed: Scorecard, url_name: str
) -> None:
    assert admin_client.get(reverse(f"admin:scorecard_{url_name}_changelist")).status_code == 200


# --- Tracking goes on ----------------------------------------------------------------------


def test_actuals_are_entered_on_a_locked_scorecard(cast: Cast, signed: Scorecard) -> None:
    actual = actual_record(actor=cast.manager.user, item=_quantitative(signed), month=1, value=5)
    assert actual.pk is not None
