"""The Celery app. Settings come from Django's, under the ``CELERY_`` prefix.

Without ``REDIS_URL`` tasks run in-process (eager), which is the embedded default.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")

app = Celery("spm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
