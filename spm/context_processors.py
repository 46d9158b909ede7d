from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from org.scoping import scope_of
from spm import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_menu": "", "scope": None}
    scope = scope_of(user)
    return {"nav_menu": nav.menu_html(scope, request.path), "scope": scope}
