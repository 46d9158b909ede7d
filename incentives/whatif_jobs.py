"""The what-if as a background job: starting one (HR or an executive, on a cycle they may
try terms on), what the task computes from the job's parameters, and reading a job back
(only its starter, only while they may still run the what-if on its cycle).

The parameters hold everything the comparison needs, money as strings: the cycle, the
scheme version compared against (none: the §3.5 defaults), the proposed terms, the
proposed pools by unit path, how many changes to keep, and the page's form data (so the
page shows the terms the result belongs to). Nothing but the job is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.http import Http404

from assessment.models import AssessmentCycle
from incentives import selectors, whatif
from incentives.compute import DEFAULT_SCHEME
from incentives.models import BonusScheme
from incentives.tasks import WHATIF_KIND, whatif_compute
from org.scoping import Actor, history_user
from spm.jobs import job_create
from spm.models import Job

LIMIT = 100  # changes kept by default (the largest first)


def _encode(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _decode(value: Any) -> Any:
    return Decimal(value) if isinstance(value, str) else value


def whatif_start(
    *,
    actor: Actor,
    cycle: AssessmentCycle,
    scheme: BonusScheme,
    terms: Mapping[str, Any],
    pools: Mapping[str, Decimal],
    limit: int = LIMIT,
    form: Mapping[str, str] | None = None,
) -> Job:
    """Start comparing ``terms`` and ``pools`` (unit path -> amount, every pool of the
    proposal) with ``scheme`` on ``cycle``; 404 if the actor may not try terms on it."""
    cycle = selectors.whatif_cycle(actor, cycle.pk)
    params = {
        "cycle_id": cycle.pk,
        "scheme_id": scheme.pk,
        "scheme_name": scheme.name,
        "terms": {name: _encode(value) for name, value in terms.items()},
        "pools": {path: str(amount) for path, amount in pools.items()},
        "limit": limit,
        "form": dict(form or {}),
    }
    return job_create(
        kind=WHATIF_KIND, user=history_user(actor), params=params, task=whatif_compute
    )


def whatif_summary(
    params: Mapping[str, Any], *, progress: whatif.Progress | None = None
) -> whatif.Summary:
    """What the job's parameters come to (the task's work; reads only)."""
    cycle = AssessmentCycle.objects.select_related("owner_unit").get(pk=params["cycle_id"])
    if params.get("scheme_id"):
        scheme = BonusScheme.objects.get(pk=params["scheme_id"])
    else:
        scheme = BonusScheme(name=params.get("scheme_name") or DEFAULT_SCHEME, version=0)
    terms = {name: _decode(value) for name, value in params["terms"].items()}
    pools = {path: Decimal(amount) for path, amount in params["pools"].items()}
    result = whatif.compare(cycle, scheme, whatif.proposal(scheme, terms), pools, progress=progress)
    return whatif.Summary.of(result, limit=int(params.get("limit", LIMIT)))


def whatif_job(actor: Actor, pk: Any, *, cycle: AssessmentCycle | None = None) -> Job:
    """The actor's own what-if job (of ``cycle`` if given); 404 for anyone else's, or
    once the actor may no longer run the what-if on its cycle."""
    user_id = getattr(history_user(actor), "pk", None)
    if user_id is None or not str(pk).isdigit():
        raise Http404
    job = Job.objects.filter(pk=int(pk), kind=WHATIF_KIND, created_by_id=user_id).first()
    if job is None:
        raise Http404
    if cycle is not None and job.params.get("cycle_id") != cycle.pk:
        raise Http404
    selectors.whatif_cycle(actor, job.params.get("cycle_id"))
    return job


def result_of(job: Job) -> whatif.Summary | None:
    """The job's comparison once it is done."""
    if job.status != Job.Status.DONE or not job.result:
        return None
    return whatif.Summary.from_json(job.result)
