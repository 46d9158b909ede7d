"""The qualitative provider registered with assessment: submitted reviews' mean."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from reviews import rules
from reviews.models import Appeal, AppealStatus, Review
from spm.ids import any_of


def qualitative_parts(result_ids: Sequence[int]) -> Mapping[int, Decimal]:
    """Two queries for the batch; results without a submitted (non-self) review are absent."""
    answers: dict[int, list[rules.Answer]] = defaultdict(list)
    for result_id, kind, integrity, synergy, systematicness in (
        Review.objects.filter(any_of("result_id", result_ids), submitted_at__isnull=False)
        .exclude(kind=rules.SELF)
        .values_list("result_id", "kind", "integrity", "synergy", "systematicness")
    ):
        answers[result_id].append(rules.Answer(kind, integrity, synergy, systematicness))
    found = {pk: rules.qualitative_part(rows) for pk, rows in answers.items()}
    parts = {pk: v for pk, v in found.items() if v is not None}
    # An appeal that changed the result corrects its qualitative part (the latest wins).
    parts.update(
        Appeal.objects.filter(any_of("result_id", result_ids), status=AppealStatus.CHANGED)
        .exclude(corrected_qualitative__isnull=True)
        .order_by("decided_at", "pk")
        .values_list("result_id", "corrected_qualitative")
    )
    return parts
