"""The endpoints behind every list's saved-filter bar (``spm/_saved_filters.html``): save the
current filter, make one the default, delete one. Each answers with the list again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spm import saved_filters as service
from spm.forms import form_save
from spm.saved_filter_forms import SavedFilterForm


@login_required
@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Save the list's current filter; refused, the form comes back on its own page with
    the reason and what was typed."""
    try:
        lst = service.filter_list(request.POST.get("list_name", ""))
    except ValidationError:
        raise Http404 from None
    form = SavedFilterForm(request.POST)
    saved = form_save(
        request,
        form,
        lambda: service.saved_filter_create(
            actor=request.user,  # type: ignore[arg-type]
            list_name=lst.name,
            name=form.cleaned_data["name"],
            query=form.cleaned_data["query"],
            is_default=form.cleaned_data["is_default"],
        ),
    )
    if saved is None:
        return render(request, "spm/saved_filter_form.html", {"form": form, "list": lst})
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(lst.url(saved.query or service.NO_DEFAULT))


@login_required
@require_POST
def saved_filter_default(request: HttpRequest, pk: int) -> HttpResponse:
    saved = service.saved_filter_get(request.user, pk)
    saved = service.saved_filter_set_default(actor=request.user, saved=saved)  # type: ignore[arg-type]
    done = _("“%(name)s” is now your default.") if saved.is_default else _("No default filter.")
    messages.success(request, done % {"name": saved.name})
    return redirect(service.filter_list(saved.list_name).url(saved.query or service.NO_DEFAULT))


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = service.saved_filter_get(request.user, pk)
    service.saved_filter_delete(actor=request.user, saved=saved)  # type: ignore[arg-type]
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect(service.filter_list(saved.list_name).url(service.NO_DEFAULT))
