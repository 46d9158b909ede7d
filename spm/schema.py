"""OpenAPI schema helpers for viewsets (kept out of ``spm.api``, which must not import DRF's
views and settings when it is first loaded — see its docstring)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class SingleObjectSchema(AutoSchema):
    """The schema of a viewset whose ``list`` answers one object (``me``, ``my-targets``,
    ``alignment``): drf-spectacular would document every ``list`` as an array."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
