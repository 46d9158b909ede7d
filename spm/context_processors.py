from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from org.scoping import scope_of
from spm import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": "", "scope": None}
    scope = scope_of(user)
    # A callable: the template calls it where it shows the menu, so a fragment (an htmx
    # partial, a PDF) that does not extend base.html neither looks it up nor renders it.
    return {"nav_menu": partial(nav.menu_html, scope, request.path), "scope": scope}
