"""Which review policy holds for a scheme version: its own row, else the latest earlier
version's of the same scheme code (a revised scheme keeps the policy until HR changes
it), else the default — HR reads no answers."""

from __future__ import annotations

from reviews.models import ReviewPolicy
from reviews.models.policy import schemes_hr_reads


def hr_reads_answers(scheme_id: int) -> bool:
    """Whether HR reads who said what in the reviews of cycles on scheme ``scheme_id``.
    One query."""
    return schemes_hr_reads().filter(pk=scheme_id).exists()


def policy_of(scheme_id: int) -> ReviewPolicy:
    """The policy row of exactly this scheme version, unsaved (with the value it inherits)
    where it has none yet — what HR's form starts from."""
    own = ReviewPolicy.objects.filter(scheme_id=scheme_id).first()
    if own is not None:
        return own
    return ReviewPolicy(scheme_id=scheme_id, hr_reads_answers=hr_reads_answers(scheme_id))
