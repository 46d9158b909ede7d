"""The computation's PostgreSQL paths (full tier): monthly rows read grouped by item, and
the one-statement write of results with their audit rows, give exactly what the pure
rules give and what the history must record (chunks in several processes:
tests/test_assessment_pool.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from assessment import rules
from assessment.compute import compute_cycle, load_inputs, rescore_result
from assessment.models import AssessmentResult, QualitativeRating
from spm.clock import FixedClock
from tests.test_assessment_services_tier import annual_cycle_of_generated_group

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
# The audit rows hold every computed value but the explanation, which stays on the result
# (an appeal keeps the one it replaces) and the inputs digest (a cache).
AUDITED = ("quantitative_part", "qualitative_part", "final_score", "grade", "vetoed",
           "computed_at", "version", "cycle_id", "scorecard_id", "unit_id",
           "employee_id", "calibrated_grade", "acknowledged_at")  # fmt: skip


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL paths of the computation")


def _row(result: Any) -> tuple[Any, ...]:
    return tuple(getattr(result, name) for name in AUDITED)


def test_postgresql_write_stores_exactly_the_rule_results_with_one_audit_row_each() -> None:
    cycle = annual_cycle_of_generated_group(60)
    now = FixedClock.on(cycle.period_span.end).now()
    outcome = compute_cycle(cycle.pk, now=now, chunk_size=25)
    results = list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk"))
    assert outcome.changed == outcome.computed == len(results) > 60
    inputs = load_inputs(cycle, results)
    for result in results:
        score = rules.compute_score(inputs[result.pk], cycle.period_span, cycle.rules)
        assert result.final_score == score.final
        assert result.quantitative_part == rules.rounded(score.quantitative_part)
        assert result.grade == str(score.grade)
        assert result.explanation == score.explanation
        assert result.computed_at == now
        assert result.version == 2
        audit = list(result.history.order_by("-history_id"))  # in writing order
        assert len(audit) == 2  # created on opening, updated by the computation
        latest = audit[0]
        assert (latest.history_type, latest.history_change_reason) == ("~", "computed")
        assert latest.history_date == now
        assert latest.history_user_id is None
        assert _row(latest) == _row(result)


def test_postgresql_rerun_writes_nothing_and_rescore_audits_its_reason_and_user() -> None:
    cycle = annual_cycle_of_generated_group(20)
    now = FixedClock.on(cycle.period_span.end).now()
    compute_cycle(cycle.pk, now=now)
    audits = AssessmentResult.history.filter(cycle_id=cycle.pk).count()
    assert compute_cycle(cycle.pk, now=now).changed == 0
    assert AssessmentResult.history.filter(cycle_id=cycle.pk).count() == audits

    result = AssessmentResult.objects.filter(cycle=cycle, employee__isnull=False).first()
    assert result is not None
    QualitativeRating.objects.create(result=result, rating=90)
    hr = get_user_model().objects.create_user("hr-rescore", password="x")
    assert rescore_result(result.pk, now=now, reason="appeal upheld", user=hr)
    result.refresh_from_db()
    assert result.qualitative_part == 90
    latest = result.history.order_by("-history_id").first()
    assert latest is not None
    assert (latest.history_change_reason, latest.history_user_id) == ("appeal upheld", hr.pk)
    assert _row(latest) == _row(result)
