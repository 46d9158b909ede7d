"""HR's scheme pages: the schemes in the user's scope, and the edit form that saves the
next version (cycles already opened keep the snapshot they were opened with)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment.forms import SchemeForm
from assessment.models import AssessmentScheme
from assessment.services.schemes import scheme_revise
from org.scoping import CHANGE, actor_of, get_scoped, scope_of
from spm.forms import attach_errors


def may_edit(user: Any, scheme: AssessmentScheme) -> bool:
    return scope_of(user).may(AssessmentScheme, CHANGE, scheme.owner_unit.path)


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    """The current version of every scheme the user may read, with an edit link for HR."""
    schemes = list(
        AssessmentScheme.objects.restrict(request.user)
        .filter(current=True)
        .select_related("owner_unit")
        .order_by("code")
    )
    rows = [(scheme, may_edit(request.user, scheme)) for scheme in schemes]
    return render(request, "assessment/scheme_list.html", {"rows": rows})


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a scheme: saving writes its next version (404 outside the user's HR scope)."""
    scheme = get_scoped(
        AssessmentScheme.objects.select_related("owner_unit"), actor_of(request), pk, CHANGE
    )
    form = SchemeForm(initial=SchemeForm.initial_of(scheme))
    status = 200
    if request.method == "POST":
        form = SchemeForm(request.POST)
        if form.is_valid():
            try:
                revised = scheme_revise(
                    actor=actor_of(request), scheme=scheme, **form.scheme_values()
                )
            except ValidationError as exc:
                attach_errors(form, exc)
                status = 409 if getattr(exc, "code", None) == "stale" else 400
            else:
                messages.success(
                    request,
                    _(
                        "Saved as version %(version)s. Cycles opened before keep the "
                        "version they were opened with."
                    )
                    % {"version": revised.version},
                )
                return redirect("assessment-schemes")
        else:
            status = 400
    return render(
        request, "assessment/scheme_form.html", {"scheme": scheme, "form": form}, status=status
    )
