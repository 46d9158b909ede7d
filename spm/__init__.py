"""SPM project package: settings, URLs, the Celery app and cross-cutting plumbing."""

from spm.celery import app as celery_app

__all__ = ["celery_app"]
