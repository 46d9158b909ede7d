"""The explanation is stored as a compact record and read in its full form: the page, the
API and the export see exactly what the rules explain; a row written in the full form
(before records existed) reads unchanged and is not rewritten by a re-run."""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import connection
from django.db.models import JSONField
from django.db.models.functions import Cast as DbCast
from hypothesis import given
from hypothesis import strategies as st

from assessment import rules
from assessment.compute import compute_cycle, load_inputs
from assessment.models import AssessmentResult
from assessment.rules.explanation import RECORD, VERSION, expand, show
from spm.clock import FixedClock
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, result_of, worked_example_scorecard

# Values as the models store them and the rules compute them: up to 28 decimals.
decimals = st.integers(0, 28).flatmap(
    lambda places: st.decimals(
        min_value=-(10**9), max_value=10**9, places=places, allow_nan=False, allow_infinity=False
    )
)


@given(decimals)
def test_a_record_number_expands_to_the_text_show_gives_the_decimal(value: Decimal) -> None:
    record_row = ["q", 1, "x", str(value), None, None, str(value), None, None, "higher",
                  "sum", [1], [str(value)], str(value), *[str(value)] * 6]  # fmt: skip
    item = expand({RECORD: VERSION, "items": [record_row]})["items"][0]
    shown = show(value)
    assert item["weight"] == item["period_value"] == item["months"]["1"] == shown
    assert set(item["tiers"].values()) == {shown}
    assert show(Decimal(shown)) == shown  # expanding the full form again changes nothing


def test_an_explanation_in_the_full_form_expands_to_itself() -> None:
    full = {"items": [{"id": 1, "name": "x", "weight": "10"}], "arithmetic": {"final": "1"}}
    assert expand(full) is full
    assert expand({}) == {}


def _stored(result: AssessmentResult) -> dict:
    raw = DbCast("explanation", output_field=JSONField())
    return (
        AssessmentResult.objects.annotate(raw=raw).values_list("raw", flat=True).get(pk=result.pk)
    )


def _computed(cast: Cast) -> AssessmentResult:
    """The worked example's result, computed."""
    example = worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    compute_cycle(cycle.pk, now=FixedClock.on(cycle.period_span.end).now())
    result.refresh_from_db()
    return result


def test_the_stored_record_is_compact_and_reads_as_the_rules_full_explanation(
    cast: Cast,
) -> None:
    result = _computed(cast)
    cycle = result.cycle
    data = load_inputs(cycle, [result])[result.pk]
    score = rules.compute_score(data, cycle.period_span, cycle.rules)
    stored = _stored(result)
    assert stored[RECORD] == VERSION and stored == score.record
    assert result.explanation == score.explanation
    assert result.explanation["arithmetic"]["final"] == show(result.final_score)
    assert len(json.dumps(stored)) < len(json.dumps(score.explanation))
    listed = AssessmentResult.objects.filter(pk=result.pk).values_list("explanation", flat=True)
    assert listed[0] == score.explanation


def test_a_row_in_the_full_form_that_reads_the_same_is_not_rewritten_or_audited(
    cast: Cast,
) -> None:
    result = _computed(cast)
    full = result.explanation
    with connection.cursor() as cursor:  # as written before records existed, digest unknown
        cursor.execute(
            f"UPDATE {AssessmentResult._meta.db_table} SET explanation = %s, "  # noqa: S608
            "inputs_digest = '' WHERE id = %s",
            [json.dumps(full), result.pk],
        )
    audits = result.history.count()
    again = compute_cycle(result.cycle_id, now=result.computed_at)
    assert again.changed == 0
    result.refresh_from_db()
    assert result.history.count() == audits
    assert _stored(result) == full and result.explanation == full
    assert len(result.inputs_digest) == 32
