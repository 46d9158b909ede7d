"""What the people-side pages share: paging, the people a manager keeps records of, and
running a service from a form with its errors shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from org.models import Employee
from org.scoping import ADMIN, MANAGER, Actor, scope_of
from spm.forms import attach_errors

PAGE_SIZE = 25


def page_of(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> Page:
    return Paginator(rows, size).get_page(request.GET.get("page"))


def managed_people(actor: Actor) -> QuerySet[Employee]:
    """The active people of the units ``actor`` manages, themself left out."""
    scope = scope_of(actor)
    return (
        Employee.objects.filter(scope.units_q({MANAGER, ADMIN}, "unit"), active=True)
        .exclude(pk=scope.employee_id)
        .select_related("unit")
        .order_by("name", "pk")
    )


def run(form: Any, service: Callable[[], Any]) -> Any:
    """Call ``service``; on a validation error put it on ``form`` and return None."""
    try:
        return service()
    except ValidationError as exc:
        attach_errors(form, exc)
        return None


def act(request: HttpRequest, service: Callable[[], Any], target: str, *args: Any) -> HttpResponse:
    """A one-button action: run it, say how it went, go back to ``target``."""
    try:
        service()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect(target, *args)
