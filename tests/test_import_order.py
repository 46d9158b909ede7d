"""Every project module the settings name by string imports cleanly when it is the first
module to be imported.

DRF and drf-spectacular resolve their settings lazily, on the first import of the module
that reads them (``rest_framework.views`` reads the parser classes at class definition).
A module named in those settings that imports ``rest_framework.views`` at its top therefore
imports itself half-built whenever it happens to come first — which depends on import
order, so it passed here and failed CI's ``manage.py check`` on a clean clone.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"spm", "org", "strategy", "scorecard", "lightup", "notifications"} | {
    "assessment",
    "incentives",
    "reviews",
}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _named_modules() -> list[str]:
    found = set()
    for value in (settings.REST_FRAMEWORK, settings.SPECTACULAR_SETTINGS):
        for text in _strings(value):
            head, _, _name = text.rpartition(".")
            if head and head.split(".")[0] in PROJECT and " " not in text:
                found.add(head)
    return sorted(found)


def test_the_settings_name_project_modules() -> None:
    assert "spm.api" in _named_modules()


@pytest.mark.parametrize("module", _named_modules())
def test_module_imports_first(module: str) -> None:
    code = (
        "import django, importlib; django.setup(); "
        f"importlib.import_module({module!r}); "
        "from rest_framework import views, generics  # resolves every lazy setting"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "spm.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
