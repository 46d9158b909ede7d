"""HR sets a scheme's review policy: whether HR reads who said what (default off).

Changed on the scheme's current version only, as the scheme itself is revised (an edit of
a superseded version is a stale edit, 409); compare-and-set on the policy's ``version``
(required once the scheme has its own policy row; the first one is a create); every change
audited with its user and reason."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import AssessmentScheme
from org.scoping import Actor, audited, require
from org.versions import StaleRecord, refuse_stale, require_version
from reviews import policy
from reviews.models import ReviewPolicy
from reviews.services.bars import scheme_for_change


@transaction.atomic
def review_policy_set(
    *,
    actor: Actor,
    scheme: AssessmentScheme,
    hr_reads_answers: bool,
    version: int | None = None,
) -> ReviewPolicy:
    scheme_for_change(actor, scheme, ReviewPolicy)
    # the scheme row locked, as its revision locks it: a policy never lands on a version
    # superseded meanwhile, and two first rows of one version are not written at once
    stored = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if not stored.current:
        newest = AssessmentScheme.objects.filter(code=stored.code, current=True).first()
        raise StaleRecord(
            _(
                "This scheme has a newer version since you opened it; its review policy is "
                "set there. Nothing was saved."
            ),
            current=newest,
        )
    row = ReviewPolicy.objects.select_for_update().filter(scheme=stored).first()
    if row is None:  # the first own row of this version starts from what it inherits
        row = policy.policy_of(stored.pk)  # a create: the version, if sent, is the inherited 0
    else:
        require_version(actor, version)
    refuse_stale(row, version)
    row.version += 1  # the first row too: an editor who opened the inherited one is stale
    row.hr_reads_answers = hr_reads_answers
    row.full_clean()
    reason = "HR reads answers" if hr_reads_answers else "HR reads completion only"
    audited(row, actor, reason).save()
    require(actor, ReviewPolicy.objects, row.pk)
    return row
