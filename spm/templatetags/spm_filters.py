"""``{% saved_filters "list" %}``: the saved-filter bar of a list page (spm.saved_filters)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ValidationError

from spm import saved_filters as service

register = template.Library()


@register.inclusion_tag("spm/_saved_filters.html", takes_context=True)
def saved_filters(context: template.Context, list_name: str) -> dict[str, Any]:
    request = context["request"]
    lst = service.filter_list(list_name)
    mine = getattr(request, "saved_filters", None)
    if mine is None:  # a view not wrapped in with_saved_filters
        mine = service.saved_filters(request.user, list_name)
    try:
        current = service.clean_query(lst, request.GET.urlencode())
    except ValidationError:
        current = ""
    return {
        "list": lst,
        "saved": [
            {"filter": saved, "url": lst.url(saved.query or service.NO_DEFAULT)} for saved in mine
        ],
        "current": current,
        "csrf_token": context.get("csrf_token"),
    }
