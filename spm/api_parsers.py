"""The API's JSON parser: DRF's with a limit on how deep a body may nest (a
``RecursionError`` deep in ``json`` would be a 500; issue 8, finding 12)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# No write of the API nests deeper than a few levels; 5,000 nested ``[`` are an attack.
MAX_JSON_DEPTH = 32


def _json_depth_within(text: str, limit: int) -> bool:
    """Whether the brackets of ``text`` nest at most ``limit`` deep (strings skipped)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit: too deep a body is a 400 before ``json``
    recurses into it (a ``RecursionError`` would be a 500)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, AttributeError) as exc:
            raise exceptions.ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from exc
        if not _json_depth_within(text, MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                _("JSON parse error: nested more than %(depth)d levels deep.")
                % {"depth": MAX_JSON_DEPTH}
            )
        return super().parse(io.BytesIO(text.encode("utf-8")), media_type, {"encoding": "utf-8"})
