"""The texts of notifications, rendered in the reader's language when shown or e-mailed.

An app registers, for each ``kind`` it sends, a function ``params -> (subject, body)``
that calls gettext when it runs (from its ``AppConfig.ready``). A notification of an
unknown kind (its app was removed) still shows, with the kind as subject.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Renderer = Callable[[Mapping[str, Any]], tuple[str, str]]

_renderers: dict[str, Renderer] = {}


def register_message(kind: str, renderer: Renderer) -> Renderer:
    _renderers[kind] = renderer
    return renderer


def kinds() -> list[str]:
    return sorted(_renderers)


def render(kind: str, params: Mapping[str, Any]) -> tuple[str, str]:
    renderer = _renderers.get(kind)
    if renderer is None:
        return kind, ""
    return renderer(params)
