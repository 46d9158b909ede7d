"""The form plumbing every page uses: ``form_save`` (POST → service → errors on the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from spm.forms import BootstrapMixin, form_save


class NameForm(BootstrapMixin, forms.Form):
    name = forms.CharField(max_length=10)


class Recorder:
    """A stand-in service that remembers its calls and answers or raises as told."""

    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        if isinstance(self.outcome, ValidationError):
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
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for page in ("assessment/views/cycles.py",):
        text = (root / page).read_text()
        assert "attach_errors" not in text, page
        assert "form_save(" in text, page
