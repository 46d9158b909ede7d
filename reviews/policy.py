"""Which review policy holds for a scheme version: its own row, else the latest earlier
version's of the same scheme code (a revised scheme keeps the policy until HR changes
it), else the default — HR reads no answers."""

from __future__ import annotations

from django.db.models import Subquery

from assessment.models import AssessmentScheme
from reviews.models import ReviewPolicy


def hr_reads_answers(scheme_id: int) -> bool:
    """Whether HR reads who said what in the reviews of cycles on scheme ``scheme_id``.
    One query."""
    scheme = AssessmentScheme.objects.filter(pk=scheme_id)
    found = (
        ReviewPolicy.objects.filter(
            scheme__code=Subquery(scheme.values("code")[:1]),
            scheme__version__lte=Subquery(scheme.values("version")[:1]),
        )
        .order_by("-scheme__version")
        .values_list("hr_reads_answers", flat=True)
        .first()
    )
    return bool(found)


def policy_of(scheme_id: int) -> ReviewPolicy:
    """The policy row of exactly this scheme version, unsaved (with the value it inherits)
    where it has none yet — what HR's form starts from."""
    own = ReviewPolicy.objects.filter(scheme_id=scheme_id).first()
    if own is not None:
        return own
    return ReviewPolicy(scheme_id=scheme_id, hr_reads_answers=hr_reads_answers(scheme_id))
