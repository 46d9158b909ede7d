"""Responsibility letter pages: the list, a scorecard's versions, one letter (HTML and PDF),
and the buttons that issue, sign, countersign, acknowledge and amend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from org.scoping import actor_of
from scorecard.forms.letters import AmendForm, IssueForm
from scorecard.models import LetterStatus, ResponsibilityLetter, Scorecard, ScorecardStatus
from scorecard.pdf import letter_pdf
from scorecard.selectors import letters as selectors
from scorecard.services import letters as services
from spm.forms import act, form_save
from spm.htmx import is_htmx_partial
from spm.paginator import capped_page

PAGE_SIZE = 50


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@login_required
def letter_list(request: HttpRequest) -> HttpResponse:
    """Letters in scope; "awaiting me" lists what the user has to sign or acknowledge."""
    filters = {
        "status": request.GET.get("status", "")
        if request.GET.get("status", "") in LetterStatus.values
        else "",
        "awaiting": request.GET.get("awaiting") == "1",
        "year": _int(request.GET.get("year")),
        "text": request.GET.get("q", "").strip(),
    }
    rows = selectors.letter_list(request.user, **filters)  # type: ignore[arg-type]
    page = capped_page(rows, PAGE_SIZE, request.GET.get("page"))
    context = {"page": page, "filters": filters, "statuses": LetterStatus.choices}
    if is_htmx_partial(request):
        return render(request, "scorecard/letters/_letter_rows.html", context)
    return render(request, "scorecard/letters/letter_list.html", context)


def _scorecard_page(
    request: HttpRequest, pk: int, *, issue_form: Any = None, amend_form: Any = None
) -> HttpResponse:
    scorecard = selectors.scorecard_get(request.user, pk)
    amended = _amendment_reason(scorecard)
    return render(
        request,
        "scorecard/letters/scorecard_letters.html",
        {
            "scorecard": scorecard,
            "versions": selectors.scorecard_versions(request.user, scorecard),
            "may_issue": selectors.may_issue(request.user, scorecard),
            "issue_form": issue_form or IssueForm(initial={"reason": amended}),
            "amend_form": amend_form or AmendForm(),
            "amended": amended,
        },
    )


def _amendment_reason(scorecard: Scorecard) -> str:
    """The reason given when the scorecard was last unlocked for an amendment (``""`` when it
    is not being amended): the next letter version carries it without asking again."""
    if scorecard.locked:
        return ""
    reason = (
        scorecard.history.filter(status=ScorecardStatus.DRAFT)
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason__in=["", "system"])
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)
        .first()
    )
    return reason or ""


@login_required
def scorecard_letters(request: HttpRequest, pk: int) -> HttpResponse:
    """Every letter version of one scorecard, with issue and amend for the issuing side."""
    return _scorecard_page(request, pk)


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = selectors.scorecard_get(request.user, pk)
    form = IssueForm(request.POST)
    letter = form_save(
        request,
        form,
        lambda: services.letter_issue(
            actor=actor_of(request),
            scorecard=scorecard,
            reason=form.cleaned_data["reason"].strip() or _amendment_reason(scorecard),
        ),
    )
    if letter is not None:
        messages.success(
            request, _("Letter version %(v)s issued for signature.") % {"v": letter.version}
        )
        return redirect("letter-detail", pk=letter.pk)
    return _scorecard_page(request, pk, issue_form=form)


@login_required
@require_POST
def scorecard_amend(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = selectors.scorecard_get(request.user, pk)
    form = AmendForm(request.POST)
    if form_save(
        request,
        form,
        lambda: services.scorecard_amend(
            actor=actor_of(request), scorecard=scorecard, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(
            request,
            _("The scorecard is unlocked for the amendment. Issue a new letter when done."),
        )
        return redirect("scorecard-letters", pk=scorecard.pk)
    return _scorecard_page(request, pk, amend_form=form)


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One letter version, rendered from its snapshot."""
    letter = selectors.letter_get(request.user, pk)
    return render(
        request,
        "scorecard/letters/letter_detail.html",
        {
            "letter": letter,
            "content": selectors.letter_content(letter),
            "actions": selectors.letter_actions(request.user, letter),
        },
    )


@login_required
def letter_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    letter = selectors.letter_get(request.user, pk)
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    number = selectors.letter_content(letter)["number"]
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


def _letter_action(
    service: Callable[..., ResponsibilityLetter], done: Any
) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        letter = selectors.letter_get(request.user, pk)
        return act(
            request,
            lambda: service(actor=actor_of(request), letter=letter),
            "letter-detail",
            letter.pk,
            done=done,
        )

    return view


letter_sign = _letter_action(services.letter_sign, gettext_lazy("You signed the letter."))
letter_countersign = _letter_action(
    services.letter_countersign,
    gettext_lazy("You countersigned the letter; the scorecard is locked."),
)
letter_acknowledge = _letter_action(
    services.letter_acknowledge, gettext_lazy("You acknowledged the letter.")
)
