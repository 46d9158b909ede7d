"""Cross-cutting records: background jobs with the progress the UI shows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A piece of long work run by a Celery task, with its progress and outcome.

    The page that started it polls the job and draws a progress bar. A task claims a job
    by compare-and-set on ``status`` (``pending`` -> ``running``), so a second delivery of
    the same message does nothing while the job is alive. A claim is a *lease*: the worker
    renews ``lease_until`` with every progress report (its heartbeat). A worker that dies
    stops renewing; once the lease lapses a redelivered message, or the beat sweep
    (``spm.tasks.job_sweep_stale``), hands the job to another worker — up to
    ``MAX_ATTEMPTS`` claims, then the job fails with the reason instead of hanging.
    """

    MAX_ATTEMPTS = 3

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    # The Celery task that runs the job, so the sweep can send it again.
    task = models.CharField(_("task"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("claims"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [models.Index(fields=["status", "lease_until"], name="job_status_lease")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def title(self) -> str:
        """What the job's page calls it: the label its app registered, never the internal
        kind (``spm.registry.job_kinds``)."""
        from spm.registry import job_kinds

        return str(dict(job_kinds.items()).get(self.kind, _("Background job")))

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "kind": self.kind,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "error": self.error,
        }


class SavedFilter(models.Model):
    """A filter of a list page that a user saved under a name, to re-apply with one click.

    ``list_name`` names the list (a registered :class:`spm.saved_filters.FilterList`);
    ``query`` is the list's query string, holding only that list's filter parameters. At
    most one of a user's filters per list is their default, applied when they open the list
    without a filter. A saved filter is its owner's alone; applying it goes through the
    list's own scoping, so it never shows more than the user may see.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_name = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=500, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["list_name", "name"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="saved_filter_unique_name"
            ),
            models.UniqueConstraint(
                fields=["user", "list_name"],
                condition=models.Q(is_default=True),
                name="saved_filter_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name
