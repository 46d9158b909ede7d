"""Settings come from documented environment variables; misspelt names are refused."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from spm.checks import unknown_celery_settings, unknown_environment_names
from spm.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent


def test_a_misspelt_spm_variable_is_reported() -> None:
    assert unknown_environment_names({"SPM_DEBGU": "1", "SPM_DEBUG": "1", "PATH": "/bin"}) == [
        "SPM_DEBGU"
    ]


def test_a_misspelt_celery_setting_is_reported() -> None:
    names = ["CELERY_TASK_TIME_LIMIT", "CELERT_X", "CELERY_TASK_TIME_LIMT", "DEBUG"]
    assert unknown_celery_settings(names) == ["CELERY_TASK_TIME_LIMT"]


def test_every_celery_setting_in_use_is_known() -> None:
    from django.conf import settings

    assert unknown_celery_settings(dir(settings)) == []


def test_env_example_documents_exactly_the_known_variables() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert documented == set(ENVIRONMENT)


@pytest.mark.slow
def test_start_up_refuses_an_unknown_spm_variable() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={"SPM_TASK_TIMELIMIT": "10", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Unknown environment variable SPM_TASK_TIMELIMIT" in result.stderr


def test_the_broker_visibility_timeout_outlasts_the_longest_task() -> None:
    from django.conf import settings

    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.CELERY_TASK_TIME_LIMIT
    )
    assert settings.CELERY_TASK_ACKS_LATE
    assert settings.CELERY_TASK_SERIALIZER == "json"
