"""The base-bonus import page: upload a CSV or XLSX, read the row report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from incentives.forms import BaseBonusImportForm
from incentives.imports import COLUMNS, ImportFileError
from incentives.imports import base_bonus_import as run_import
from incentives.services import SCHEME_EDITORS
from org.scoping import actor_of, scope_of


@login_required
def base_bonus_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not scope_of(actor).has_role(*SCHEME_EDITORS):
        raise Http404
    form = BaseBonusImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": COLUMNS, "report": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run_import(actor=actor, upload=upload, name=upload.name)
        except ImportFileError as exc:
            form.add_error("file", exc)
        else:
            context["report"] = report
            if report.ok:
                messages.success(
                    request,
                    _("%(updated)s base bonuses changed, %(unchanged)s unchanged.")
                    % {"updated": report.updated, "unchanged": report.unchanged},
                )
    return render(request, "incentives/base_bonus_import.html", context)
