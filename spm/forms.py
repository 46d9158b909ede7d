"""Form plumbing shared by every app: Bootstrap styling with accessible error marks, service
errors shown on the form, the POST → service → errors step of a page, the version a
one-button form posts, the POST → service → message → redirect step of a one-button form
(:func:`act`), and the sign-in form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

T = TypeVar("T")

SAVED = gettext_lazy("Saved.")


def bootstrap(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, and ``aria-invalid`` on the fields in error."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 3)
        if isinstance(widget, forms.NumberInput):
            # A browser empties an <input type="number"> holding "abc" before sending it,
            # and the reader is told "This field is required". As text with a numeric
            # keyboard, what was typed comes back with "Enter a number." beside it.
            widget.input_type = "text"
            # Django's DecimalField and FloatField are IntegerFields too: only a whole
            # number gets the keypad without a decimal point.
            integer = isinstance(field, forms.IntegerField) and not isinstance(
                field, forms.DecimalField | forms.FloatField
            )
            widget.attrs.setdefault("inputmode", "numeric" if integer else "decimal")
        # Only after validation ran: asking for ``errors`` here would validate too early.
        errors = getattr(form, "_errors", None)
        if errors and name in errors and "is-invalid" not in widget.attrs["class"]:
            widget.attrs["class"] += " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = f"{form[name].auto_id}-errors"


class BootstrapMixin:
    """Styles a form's widgets on creation and marks the invalid ones after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        bootstrap(self)  # type: ignore[arg-type]


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's validation error on the form, on the field it names when it has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
    else:
        for name, errors in exc.message_dict.items():
            # NON_FIELD_ERRORS and fields the form does not show (model fields it lacks, a
            # hidden ``version``) go to the top, where the user reads them.
            shown = name in form.fields and not form.fields[name].widget.is_hidden
            form.add_error(name if shown else None, errors)
    bootstrap(form)


def attach_stale(form: forms.BaseForm, exc: ValidationError, version: int) -> None:
    """A stale edit refused: say so on the form, keep everything the user typed, and move
    its hidden ``version`` on to the stored one, so that saving again (after reading what
    changed) deliberately replaces it."""
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix("version")] = str(version)
    form.data = data
    form.add_error(None, exc.messages[0])
    bootstrap(form)


def posted_version(request: HttpRequest) -> int | None:
    """The hidden ``version`` a one-button form posts: the version of the record its page
    showed. ``None`` when it is missing or not a number; the service then refuses the edit
    (``org.versions.require_version``), so a post without it overwrites nothing."""
    text = request.POST.get("version", "")
    return int(text) if text.isdigit() else None


def form_save(request: HttpRequest, form: forms.BaseForm, save: Callable[[], T]) -> T | None:
    """The step every form page takes: on a POST whose form is valid, call the service
    (``save``) and answer what it saved; a ``ValidationError`` it raises lands on the form.

    ``None`` means "show the form again": a GET, an invalid form, or a refused save. ``save``
    must answer what it saved (not ``None``), so the caller knows to say so and redirect.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    return form_run(form, save)


def form_run(form: forms.BaseForm, save: Callable[[], T]) -> T | None:
    """Call the service ``save`` for a form already validated: what it saved, or ``None``
    with the ``ValidationError`` it raised shown on ``form``."""
    try:
        return save()
    except ValidationError as exc:
        attach_errors(form, exc)
        return None


def safe_next(request: HttpRequest, url: str | None) -> str | None:
    """``url`` (the ``next`` a page posted, a stored link) when it leads back into this
    site; ``None`` for anything else (another host, ``//host``, ``/\\host``, a scheme), so a
    redirect never takes the user elsewhere."""
    if url and url_has_allowed_host_and_scheme(
        url, {request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def cleaned(form: forms.BaseForm) -> dict[str, Any]:
    """The data of a form a one-button page posts, valid; otherwise its errors as a refusal
    (a ``ValidationError`` with the text of every error), which :func:`act` shows."""
    if not form.is_valid():
        raise ValidationError(form.errors.as_text())
    return form.cleaned_data


def act(
    request: HttpRequest,
    service: Callable[[], T],
    to: str | Callable[[], HttpResponse],
    *args: Any,
    done: StrOrPromise | Callable[[T], StrOrPromise] | None = SAVED,
    then: Callable[[T], HttpResponse] | None = None,
    refusals: tuple[type[Exception], ...] = (ValidationError,),
) -> HttpResponse:
    """The step every one-button form (POST) takes: run ``service`` and go back to the page.

    A refusal it raises — any ``ValidationError``: a stale version or a wrong state
    (``org.versions.StaleRecord``/``WrongState``, 409 in the API), ``spm.errors.NotPermitted``,
    a locked record, a plain validation error; or what else ``refusals`` names — becomes one
    error message, and the user goes to ``to`` (with ``args``, as ``redirect`` takes them; or
    the response ``to()`` makes), where the page shows what is stored now. Otherwise ``done``
    (a message, or one made from what the service answered; ``None``: say nothing) is said
    and the user goes to ``then(result)`` when given, else to ``to`` too.
    """
    try:
        result = service()
    except refusals as exc:
        said = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        messages.error(request, " ".join(str(m) for m in said))
        return to() if callable(to) else redirect(to, *args)
    if done is not None:
        messages.success(request, done if isinstance(done, str | Promise) else done(result))
    if then is not None:
        return then(result)
    return to() if callable(to) else redirect(to, *args)


def start_job(request: HttpRequest, start: Callable[[], Any], to: str, *args: Any) -> HttpResponse:
    """:func:`act` for a button that starts a background job: ``start`` answers the job;
    nothing is said, and the user goes to the job's page (its progress bar). A refusal goes
    back to ``to`` with its message, as :func:`act` says."""
    return act(
        request, start, to, *args, done=None, then=lambda job: redirect("job-detail", pk=job.pk)
    )


class LoginForm(AuthenticationForm):
    """Django's login form, with the autofocus and autocomplete hints browsers use."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "class": "form-control"}
        )
        self.fields["password"].widget.attrs.update(
            {"autocomplete": "current-password", "class": "form-control"}
        )
