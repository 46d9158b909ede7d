"""The form plumbing every page uses: ``form_save`` (POST → service → errors on the form)
and ``act`` (a one-button POST → service → message → redirect)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from org.versions import StaleRecord, WrongState
from spm.errors import NotPermitted
from spm.forms import BootstrapMixin, act, cleaned, form_save, safe_next

ROOT = Path(__file__).resolve().parent.parent


class NameForm(BootstrapMixin, forms.Form):
    name = forms.CharField(max_length=10)


class Recorder:
    """A stand-in service that remembers its calls and answers or raises as told."""

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def test_a_get_shows_the_form_and_calls_no_service() -> None:
    request = RequestFactory().get("/", {"name": "Ann"})
    form = NameForm(None)
    service = Recorder("saved")
    assert form_save(request, form, service) is None
    assert service.calls == 0


def test_an_invalid_post_keeps_the_form_errors_and_calls_no_service() -> None:
    request = RequestFactory().post("/", {"name": "x" * 11})
    form = NameForm(request.POST)
    service = Recorder("saved")
    assert form_save(request, form, service) is None
    assert service.calls == 0
    assert "name" in form.errors


def test_a_valid_post_answers_what_the_service_saved() -> None:
    request = RequestFactory().post("/", {"name": "Ann"})
    form = NameForm(request.POST)
    service = Recorder({"id": 7})
    assert form_save(request, form, service) == {"id": 7}
    assert service.calls == 1


def test_a_refusal_on_a_field_lands_on_that_field_and_is_marked_invalid() -> None:
    request = RequestFactory().post("/", {"name": "Ann"})
    form = NameForm(request.POST)
    refusal = ValidationError({"name": "Taken already."})
    assert form_save(request, form, Recorder(refusal)) is None
    assert form.errors["name"] == ["Taken already."]
    assert form.fields["name"].widget.attrs["aria-invalid"] == "true"


def test_a_refusal_without_a_field_lands_at_the_top_of_the_form() -> None:
    request = RequestFactory().post("/", {"name": "Ann"})
    form = NameForm(request.POST)
    assert form_save(request, form, Recorder(ValidationError("The plan is locked."))) is None
    assert form.non_field_errors() == ["The plan is locked."]


def test_form_pages_save_through_form_save_not_their_own_try_attach_errors() -> None:
    # The pages moved to ``form_save`` keep no copy of the POST → try → attach_errors flow.
    for page in ("assessment/views/cycles.py", "scorecard/views/cascade.py"):
        text = (ROOT / page).read_text()
        assert "attach_errors(form, exc)" not in text, page
        assert "form_save(" in text, page


def _post() -> HttpRequest:
    request = RequestFactory().post("/act/", {"version": "3"})
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in request._messages]  # type: ignore[attr-defined]


def test_act_says_done_and_goes_back_when_the_service_succeeds() -> None:
    request = _post()
    service = Recorder("saved")
    response = act(request, service, "/back/", done="Role revoked.")
    assert service.calls == 1
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _said(request) == [(constants.SUCCESS, "Role revoked.")]


def test_act_says_saved_unless_told_otherwise_and_nothing_when_done_is_none() -> None:
    request = _post()
    act(request, Recorder(1), "/back/")
    act(request, Recorder(2), "/back/", done=None)
    assert _said(request) == [(constants.SUCCESS, "Saved.")]


def test_act_goes_on_to_what_then_makes_of_the_result() -> None:
    request = _post()
    response = act(
        request,
        Recorder(42),
        "/back/",
        done=lambda n: f"Job {n} started.",
        then=lambda n: HttpResponse(status=201, headers={"Location": f"/jobs/{n}/"}),
    )
    assert (response.status_code, response["Location"]) == (201, "/jobs/42/")
    assert _said(request) == [(constants.SUCCESS, "Job 42 started.")]


@pytest.mark.parametrize(
    "refusal",
    [
        StaleRecord("Someone changed it meanwhile.", current=None),
        WrongState("Only a submitted value can be approved.", current=None),
        NotPermitted("You may not change this result."),
        ValidationError("Give the date as YYYY-MM-DD."),
    ],
    ids=["stale", "wrong-state", "not-permitted", "invalid"],
)
def test_act_turns_a_refusal_into_one_error_message_and_goes_back_not_on(
    refusal: ValidationError,
) -> None:
    request = _post()
    response = act(
        request, Recorder(refusal), "/back/", then=lambda _r: HttpResponse("never reached")
    )
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _said(request) == [(constants.ERROR, refusal.messages[0])]


def test_act_joins_the_messages_of_a_refusal_with_several_into_one() -> None:
    request = _post()
    act(request, Recorder(ValidationError(["Too late.", "Ask HR."])), "/back/")
    assert _said(request) == [(constants.ERROR, "Too late. Ask HR.")]


def test_act_answers_403_for_permission_denied_unless_the_page_lists_it_as_a_refusal() -> None:
    request = _post()
    with pytest.raises(PermissionDenied):
        act(request, Recorder(PermissionDenied("No.")), "/back/")
    response = act(
        request,
        Recorder(PermissionDenied("You cannot change your own roles.")),
        "/back/",
        refusals=(ValidationError, PermissionDenied),
    )
    assert response.status_code == 302
    assert _said(request) == [(constants.ERROR, "You cannot change your own roles.")]


def test_act_can_go_back_through_a_response_of_the_pages_own() -> None:
    request = _post()
    response = act(
        request, Recorder(ValidationError("Locked.")), lambda: HttpResponse("the plan body")
    )
    assert response.content == b"the plan body"


# A one-button view that catches a service's refusal itself, instead of ``act``.
HAND_WRITTEN = re.compile(
    r"except [^\n]*(ValidationError|Locked|Stale|WrongState|NotPermitted|PermissionDenied)"
    r"[^\n]*:\n\s+(messages\.error|for message in exc\.messages:\s+messages\.error|_refused)"
)


def test_pages_turn_refusals_into_messages_through_act_not_their_own_copy() -> None:
    apps = ("org", "strategy", "scorecard", "lightup", "assessment", "incentives", "reviews")
    pages = [p for app in apps for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    copies = [str(p.relative_to(ROOT)) for p in pages if HAND_WRITTEN.search(p.read_text())]
    assert copies == []


def test_cleaned_answers_a_valid_forms_data_and_refuses_an_invalid_one_with_its_errors() -> None:
    assert cleaned(NameForm({"name": "Ann"})) == {"name": "Ann"}
    request = _post()
    act(request, lambda: cleaned(NameForm({"name": "x" * 11})), "/back/")
    [(level, text)] = _said(request)
    assert level == constants.ERROR
    assert text.startswith("* name") and "at most 10 characters" in text


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/scorecard/actuals/approvals/?page=2", True),
        ("http://testserver/assessment/results/3/", True),
        ("", False),
        (None, False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
    ],
)
def test_safe_next_keeps_only_a_way_back_into_this_site(url: str | None, kept: bool) -> None:
    assert safe_next(RequestFactory().post("/"), url) == (url if kept else None)


class NumbersForm(BootstrapMixin, forms.Form):
    count = forms.IntegerField()
    amount = forms.DecimalField(max_digits=10, decimal_places=2)
    ratio = forms.FloatField()


def test_a_decimal_field_gets_a_keypad_with_a_decimal_point_and_a_whole_number_none() -> None:
    form = NumbersForm()
    modes = {name: form.fields[name].widget.attrs["inputmode"] for name in form.fields}
    assert modes == {"count": "numeric", "amount": "decimal", "ratio": "decimal"}
    assert 'inputmode="decimal"' in str(form["amount"])
