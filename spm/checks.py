"""Start-up checks: a misspelt setting name is an error, not a silent default."""

from __future__ import annotations

import os
from typing import Any

from celery.app.defaults import NAMESPACES, flatten
from django.conf import settings
from django.core.checks import Error, Tags, register

from spm.settings import ENVIRONMENT


def _celery_setting_names() -> set[str]:
    names = set()
    for key, _option in flatten(NAMESPACES):
        names.add(key.upper())
    return names


def unknown_environment_names(environ: dict[str, str]) -> list[str]:
    """``SPM_*`` variables in ``environ`` that SPM does not read."""
    return sorted(
        name
        for name in environ
        if name.startswith("SPM_")
        and name not in ENVIRONMENT
        # The test harness's own switches are read by the harness, not by Django.
        and not name.startswith("SPM_TEST_")
        and name != "SPM_REQUIRE_SERVICES"
    )


def unknown_celery_settings(setting_names: list[str]) -> list[str]:
    """``CELERY_*`` Django settings that Celery does not know."""
    known = _celery_setting_names()
    return sorted(
        name
        for name in setting_names
        if name.startswith("CELERY_") and name.removeprefix("CELERY_") not in known
    )


@register(Tags.compatibility, deploy=False)
def check_setting_names(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = [
        Error(
            f"Unknown environment variable {name}.",
            hint="Known SPM_* variables are listed in spm/settings.py ENVIRONMENT "
            "and .env.example.",
            id="spm.E001",
        )
        for name in unknown_environment_names(dict(os.environ))
    ]
    errors += [
        Error(
            f"Unknown Celery setting {name}; Celery would silently ignore it.",
            id="spm.E002",
        )
        for name in unknown_celery_settings(dir(settings))
    ]
    if not settings.DEBUG and not settings.SECRET_KEY:
        errors.append(Error("SPM_SECRET_KEY must be set when SPM_DEBUG=0.", id="spm.E003"))
    return errors
