"""Saved filters: a user names the current filter of a list page, re-applies it with one
click, makes one the list's default, and deletes it.

One mechanism for every list. A list declares itself once in its app's ``ready()``::

    registry.filter_lists.register("actuals", FilterList("actuals", "actual-list", (...)))

and wraps its view in :func:`with_saved_filters`; its template includes
``{% saved_filters "actuals" %}`` (``spm/templatetags/spm_filters.py``). What is stored is
only the query string, cut down to the list's own filter parameters: applying it is an
ordinary request of the list, scoped as always, so a saved filter can never show more
than the user may see (a unit id out of their scope shows nothing extra).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from spm import registry
from spm.htmx import is_htmx_partial
from spm.models import SavedFilter

MAX_PER_LIST = 20
MAX_QUERY = 500
# A link "without the default filter": the list page ignores the parameter.
NO_DEFAULT = "filter=none"


@dataclass(frozen=True)
class FilterList:
    """A list page whose filters can be saved: its URL name and its filter parameters."""

    name: str
    url_name: str
    params: tuple[str, ...]

    def url(self, query: str = "") -> str:
        return f"{reverse(self.url_name)}?{query}" if query else reverse(self.url_name)


def filter_list(name: str) -> FilterList:
    """The registered list called ``name``; a ``ValidationError`` for any other name."""
    for key, item in registry.filter_lists.items():
        if key == name:
            return item
    raise ValidationError({"list_name": _("There is no such list.")})


def clean_query(lst: FilterList, query: str) -> str:
    """``query`` kept to ``lst``'s filter parameters, in their declared order, empty values
    and the page number dropped; a ``ValidationError`` for any other parameter."""
    if len(query) > MAX_QUERY:
        raise ValidationError({"query": _("This filter is too long to save.")})
    data = QueryDict(query)
    unknown = set(data) - set(lst.params) - {"page", "filter"}
    if unknown:
        raise ValidationError({"query": _("This list has no filter by that name.")})
    kept = QueryDict(mutable=True)
    for param in lst.params:
        values = [value for value in data.getlist(param) if value.strip()]
        if values:
            kept.setlist(param, values)
    return kept.urlencode()


def saved_filters(user: Any, list_name: str) -> list[SavedFilter]:
    """The user's own saved filters of one list (nobody else's, ever)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedFilter.objects.filter(user=user, list_name=list_name))


def saved_filter_get(user: Any, pk: Any) -> SavedFilter:
    """One of the user's own saved filters; anyone else's is a 404."""
    return get_object_or_404(SavedFilter.objects.filter(user_id=user.pk), pk=pk)


@transaction.atomic
def saved_filter_create(
    *,
    actor: AbstractBaseUser,
    list_name: str,
    name: str,
    query: str,
    is_default: bool = False,
) -> SavedFilter:
    """Save ``query`` under ``name`` for the actor's list ``list_name`` (the same name
    again replaces its filter)."""
    lst = filter_list(list_name)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the filter a name.")})
    owned = SavedFilter.objects.select_for_update().filter(user_id=actor.pk, list_name=lst.name)
    saved = owned.filter(name=name).first() or SavedFilter(
        user_id=actor.pk, list_name=lst.name, name=name
    )
    if saved.pk is None and owned.count() >= MAX_PER_LIST:
        raise ValidationError(
            _("You can keep %(n)d filters per list; delete one first.") % {"n": MAX_PER_LIST}
        )
    saved.query = clean_query(lst, query)
    saved.full_clean(exclude=["user", "is_default"])
    if is_default:
        owned.exclude(pk=saved.pk).update(is_default=False)
        saved.is_default = True
    try:
        with transaction.atomic():
            saved.save()
    except IntegrityError as exc:  # the same name saved at the same moment
        raise ValidationError({"name": _("You already have a filter by that name.")}) from exc
    return saved


@transaction.atomic
def saved_filter_set_default(*, actor: AbstractBaseUser, saved: SavedFilter) -> SavedFilter:
    """Make ``saved`` its list's default for its owner, or, if it is already, no longer."""
    saved = saved_filter_get(actor, saved.pk)
    owned = SavedFilter.objects.select_for_update().filter(
        user_id=actor.pk, list_name=saved.list_name
    )
    make_default = not saved.is_default
    owned.update(is_default=False)
    if make_default:
        owned.filter(pk=saved.pk).update(is_default=True)
    saved.is_default = make_default
    return saved


@transaction.atomic
def saved_filter_delete(*, actor: AbstractBaseUser, saved: SavedFilter) -> None:
    saved_filter_get(actor, saved.pk).delete()


def with_saved_filters(list_name: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Wrap a list view: its page gets the user's saved filters (one query, read by the
    template include), and opening the list without a filter applies their default."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if is_htmx_partial(request):
                return view(request, *args, **kwargs)
            mine = saved_filters(request.user, list_name)
            default = next((saved for saved in mine if saved.is_default), None)
            if default is not None and default.query and not request.GET:
                return redirect(filter_list(list_name).url(default.query))
            request.saved_filters = mine  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
