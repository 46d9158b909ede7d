"""Monthly actuals pages: the month's entry list, one entry form, the audit trail, approvals,
evidence download, the CSV/XLSX import with its template, and HR's period closing."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from org import selectors as org_selectors
from org.scoping import HR, ScopedQuerySet, actor_of, scope_of
from scorecard.forms.actuals import ActualForm, ImportForm, PeriodForm
from scorecard.lights import attach_lights
from scorecard.selectors import actuals as selectors
from scorecard.selectors.scorecards import changeable_units
from scorecard.services import actuals as services
from scorecard.services.actuals_bulk import actuals_approve_many
from scorecard.services.actuals_encoding import ENCODINGS
from scorecard.services.actuals_import import EncodingUncertain, ImportFileError, import_template
from scorecard.services.actuals_import_jobs import actuals_import_submit
from scorecard.tasks import IMPORT_KIND
from scorecard.views.rows import actual_rows_html
from spm.clock import clock, previous_month
from spm.errors import Conflict
from spm.forms import act, attach_stale, posted_version, safe_next
from spm.htmx import is_htmx_partial
from spm.models import Job
from spm.paginator import capped_page
from spm.saved_filters import with_saved_filters
from spm.sorting import sorted_page

PAGE_SIZE = 50
MONTHS = range(1, 13)


def _last_month() -> tuple[int, int]:
    """Actuals are entered for the month that has just ended."""
    return previous_month(clock().today())


def _period(request: HttpRequest) -> tuple[int, int]:
    year, month = _last_month()
    text_year, text_month = request.GET.get("year", ""), request.GET.get("month", "")
    if text_year.isdigit() and 2000 <= int(text_year) <= 2100:
        year = int(text_year)
    if text_month.isdigit() and 1 <= int(text_month) <= 12:
        month = int(text_month)
    return year, month


@login_required
@with_saved_filters("actuals")
def actual_list(request: HttpRequest) -> HttpResponse:
    """The quantitative items in scope with their actual of the chosen month."""
    year, month = _period(request)
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = org_selectors.org_unit_get(request.user, int(request.GET["unit"]))
    filters = {
        "text": request.GET.get("q", "").strip(),
        "unit": unit,
        "mine": request.GET.get("mine") == "1",
    }
    sorts = selectors.actual_sorts(month)
    sort = sorts.key(request.GET.get("sort", ""))
    rows = selectors.actual_entry_rows(
        request.user,
        year=year,
        month=month,
        sort=sort,
        **filters,  # type: ignore[arg-type]
    )
    labels = _actual_columns()
    page, sort = sorted_page(request, rows, sorts, sort, labels, PAGE_SIZE)
    # The page's rows as plain values, with their actuals of the month.
    page.object_list = selectors.entry_rows(selectors.entry_row_values(page.object_list), month)
    attach_lights(page.object_list, year, month)
    problem = services.period_problem(year, month, today=clock().today())
    context = {
        "page": page,
        "rows": actual_rows_html(page.object_list, month, may_enter=not problem),
        "year": year,
        "month": month,
        "months": MONTHS,
        "filters": filters,
        "sort": sort,
        "columns": sorts.headings(sort, request.GET, labels),
        "problem": problem,
    }
    if is_htmx_partial(request):
        return render(request, "scorecard/actuals/_actual_rows.html", context)
    return render(request, "scorecard/actuals/actual_list.html", context)


def _actual_columns() -> dict[str, str]:
    """The actuals list's headings, the sortable ones keyed by their ``sort`` name."""
    return {
        "owner": _("Scorecard"),
        "item": _("Item"),
        "target": _("Target"),
        "value": _("Actual"),
        "status": _("Status"),
    }


def _edit_page(
    request: HttpRequest, item: Any, month: int, form: ActualForm, current: Any
) -> HttpResponse:
    return render(
        request,
        "scorecard/actuals/actual_edit.html",
        {
            "item": item,
            "month": month,
            "form": form,
            "current": current,
            "problem": services.period_problem(item.scorecard.year, month, today=clock().today()),
            "may_enter": selectors.may_enter_item(request.user, item),
        },
    )


@login_required
def actual_edit(request: HttpRequest, pk: int, month: int) -> HttpResponse:
    """Enter or correct one month's actual. A stale edit is refused and the form keeps
    what the user typed, with the stored value shown beside it."""
    item = selectors.item_get(request.user, pk)
    if not 1 <= month <= 12:
        raise Http404
    stored = selectors.month_actual(item, month).select_related("entered_by")
    if request.method != "POST":
        current = stored.first()
        initial: dict[str, Any] = {"version": current.version if current else 0}
        if current is not None:
            initial.update(value=current.value.normalize(), note=current.note)
        return _edit_page(request, item, month, ActualForm(initial=initial), current)
    # The stored value is read only to show it again beside a refused entry: a saved one
    # goes on to the list (the service reads it for its own checks).
    current = None
    form = ActualForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.actual_record(
                actor=actor_of(request),
                item=item,
                month=month,
                value=data["value"],
                note=data["note"],
                evidence=data["evidence"],
                expected_version=data["version"],
            )
        except services.StaleActual as exc:
            current = exc.current
            # Keep the typed value and note; move the version on, so that submitting
            # again (after reading the stored value) deliberately replaces it.
            attach_stale(form, exc, current.version if current else 0)
        except ValidationError as exc:
            current = stored.first()
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Saved the actual of %(item)s for %(year)s-%(month)02d.")
                % {"item": item.name, "year": item.scorecard.year, "month": month},
            )
            url = reverse("actual-list")
            return redirect(f"{url}?year={item.scorecard.year}&month={month}")
    else:
        current = stored.first()
    return _edit_page(request, item, month, form, current)


@login_required
def actual_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit trail of an item's actuals: who changed what, when, before → after."""
    item = selectors.item_get(request.user, pk)
    page = capped_page(selectors.actual_changes(item), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "scorecard/actuals/actual_history.html",
        {"item": item, "page": page, "actuals": selectors.item_actuals(item)},
    )


@login_required
@with_saved_filters("approvals")
def actual_approvals(request: HttpRequest) -> HttpResponse:
    """Submitted values waiting for the unit head, optionally one unit's (subtree) month."""
    queue = selectors.approval_queue(request.user)
    unit_id, month = request.GET.get("unit", ""), request.GET.get("month", "")
    if unit_id.isdigit():
        queue = cast(ScopedQuerySet, queue).within(int(unit_id))
    if month.isdigit():
        queue = queue.filter(month=int(month))
    page = capped_page(queue, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "scorecard/actuals/approvals.html",
        {
            "page": page,
            "units": changeable_units(request.user).only("id", "name", "depth"),
            "filters": {"unit": unit_id, "month": month},
            "months": range(1, 13),
        },
    )


@login_required
@require_POST
def actual_approve_many(request: HttpRequest) -> HttpResponse:
    """Approve the ticked rows in one action; each carries the version its approver saw."""
    rows: list[tuple[int, int]] = []
    for value in request.POST.getlist("row"):
        pk, _sep, version = value.partition(":")
        if pk.isdigit() and version.isdigit():
            rows.append((int(pk), int(version)))
    if not rows:
        messages.warning(request, _("Tick the values to approve first."))
    else:
        result = actuals_approve_many(actor=actor_of(request), rows=rows)
        messages.success(
            request,
            ngettext("%(n)d value approved.", "%(n)d values approved.", len(result.approved))
            % {"n": len(result.approved)},
        )
        if result.stale:
            messages.warning(
                request,
                ngettext(
                    "%(n)d value changed since you loaded the page and was left out; check it "
                    "again.",
                    "%(n)d values changed since you loaded the page and were left out; check "
                    "them again.",
                    len(result.stale),
                )
                % {"n": len(result.stale)},
            )
        if result.refused:
            messages.error(
                request,
                ngettext(
                    "%(n)d value could not be approved by you (no longer submitted, or yours).",
                    "%(n)d values could not be approved by you (no longer submitted, or yours).",
                    len(result.refused),
                )
                % {"n": len(result.refused)},
            )
    return redirect(safe_next(request, request.POST.get("next")) or "actual-approvals")


def _review(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    actual = selectors.actual_get(request.user, pk)
    expected = posted_version(request)
    if approve:
        return act(
            request,
            lambda: services.actual_approve(
                actor=actor_of(request), actual=actual, expected_version=expected
            ),
            "actual-approvals",
            done=_("Approved."),
        )
    return act(
        request,
        lambda: services.actual_reject(
            actor=actor_of(request),
            actual=actual,
            reason=request.POST.get("reason", ""),
            expected_version=expected,
        ),
        "actual-approvals",
        done=_("Sent back to the owner."),
    )


@login_required
@require_POST
def actual_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, approve=True)


@login_required
@require_POST
def actual_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, approve=False)


@login_required
def actual_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file of an actual, for whoever may see the actual."""
    actual = selectors.actual_get(request.user, pk)
    if not actual.evidence:
        raise Http404
    return FileResponse(
        actual.evidence.open("rb"),
        as_attachment=True,
        filename=(actual.evidence.name or "evidence").rsplit("/", 1)[-1],
    )


def _import_job(request: HttpRequest) -> Job | None:
    """The import job named by ``?job=``: the caller's own, else "not found"."""
    text = request.GET.get("job", "")
    if not text:
        return None
    if not text.isdigit():
        raise Http404
    return get_object_or_404(Job, pk=int(text), kind=IMPORT_KIND, created_by_id=request.user.pk)


@login_required
def actual_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX file; nothing is written unless every row is good.

    A big file becomes a background job: the page follows it (``?job=``) with a progress
    bar and shows its report when it is done. When the text encoding of a CSV file is not
    certain, the page shows how each candidate reads it and asks for the choice.
    """
    year, month = _period(request)
    report: Any = None
    candidates: dict[str, list[str]] | None = None
    job = _import_job(request)
    poll_url = f"{reverse('actual-import')}?job={job.pk}" if job is not None else ""
    if job is not None:
        report = job.result if job.finished else None
        if is_htmx_partial(request):
            return render(
                request,
                "scorecard/actuals/_import_job.html",
                {"job": job, "report": report, "poll_url": poll_url},
            )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = actuals_import_submit(
                actor=actor_of(request),
                data=upload.read(),
                name=upload.name,
                encoding=form.cleaned_data["encoding"] or None,
            )
        except EncodingUncertain as exc:
            candidates = exc.candidates
            form.add_error("encoding", exc.messages)
        except ImportFileError as exc:
            form.add_error("file", exc.messages)
        except Conflict as exc:
            form.add_error(None, exc.messages)
        else:
            if isinstance(outcome, Job):
                return redirect(f"{reverse('actual-import')}?job={outcome.pk}")
            report = outcome
            if report.ok:
                messages.success(
                    request,
                    _("Imported %(rows)s rows: %(created)s new, %(updated)s changed.")
                    % {"rows": report.rows, "created": report.created, "updated": report.updated},
                )
    return render(
        request,
        "scorecard/actuals/import.html",
        {
            "form": form,
            "report": report,
            "job": job,
            "poll_url": poll_url,
            "candidates": candidates,
            "encodings": ENCODINGS,
            "year": year,
            "month": month,
            "months": MONTHS,
        },
    )


@login_required
def actual_import_template(request: HttpRequest) -> HttpResponse:
    year, month = _period(request)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    content, content_type, filename = import_template(
        actor=actor_of(request),
        year=year,
        month=month if request.GET.get("month") else None,
        fmt=fmt,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    """The months of a year, open or closed; HR closes and reopens them."""
    year, _month = _period(request)
    is_hr = scope_of(request.user).has_role(HR)
    if request.method == "POST":
        if not is_hr:
            raise Http404
        form = PeriodForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            service = services.period_close if data["action"] == "close" else services.period_reopen
            return act(
                request,
                lambda: service(actor=actor_of(request), year=data["year"], month=data["month"]),
                f"{request.path}?year={data['year']}",
            )
    closed = {p.month: p for p in selectors.closed_periods(year)}
    return render(
        request,
        "scorecard/actuals/periods.html",
        {
            "year": year,
            "rows": [(m, closed.get(m)) for m in MONTHS],
            "is_hr": is_hr,
            "years": range(year - 2, year + 2),
        },
    )
