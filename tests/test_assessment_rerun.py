"""A re-run skips results whose inputs are unchanged (the inputs digest), and recomputes
exactly those whose inputs changed — with the same values a full computation gives."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from assessment import compute as compute_module
from assessment import rules
from assessment.compute import compute_cycle, load_inputs
from assessment.digests import Digests
from assessment.models import AssessmentResult
from assessment.services import inputs
from scorecard.rules.scoring import Tiers
from spm.clock import FixedClock
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, result_of, worked_example_scorecard

D = Decimal


def counting_scores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of results the rules are asked to score, per call of ``compute_score``."""
    calls: list[int] = []
    real = rules.compute_score

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compute_module.rules, "compute_score", counted)
    return calls


def test_rerun_scores_nothing_and_a_changed_input_rescores_only_its_result(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = worked_example_scorecard(cast.employee)
    worked_example_scorecard(cast.site_worker)  # a second result, not touched
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    now = FixedClock.on(cycle.period_span.end).now()
    first = compute_cycle(cycle.pk, now=now)
    assert first.changed == first.computed > 1
    rows = list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk").values())
    assert all(len(row["inputs_digest"]) == 32 for row in rows)

    calls = counting_scores(monkeypatch)
    again = compute_cycle(cycle.pk, now=now)
    assert (again.changed, len(calls)) == (0, 0)
    assert list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk").values()) == rows

    inputs.qualitative_rate(actor=cast.manager.user, result=result, rating=D(90))
    third = compute_cycle(cycle.pk, now=now)
    assert (third.changed, len(calls)) == (1, 1)
    result.refresh_from_db()
    score = rules.compute_score(
        load_inputs(cycle, [result])[result.pk], cycle.period_span, cycle.rules
    )
    assert (result.final_score, result.explanation) == (score.final, score.explanation)
    assert result.qualitative_part == D(90)


def test_a_result_computed_before_digests_gets_its_digest_without_a_new_version_or_audit(
    cast: Cast,
) -> None:
    example = worked_example_scorecard(cast.employee)
    worked_example_scorecard(cast.site_worker)  # a second result, not touched
    cycle = annual_cycle(cast)
    result = result_of(cycle, example.scorecard)
    now = FixedClock.on(cycle.period_span.end).now()
    compute_cycle(cycle.pk, now=now)
    AssessmentResult.objects.filter(cycle=cycle).update(inputs_digest="")
    before = list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk").values())
    audits = AssessmentResult.history.count()
    assert compute_cycle(cycle.pk, now=now).changed == 0
    after = list(AssessmentResult.objects.filter(cycle=cycle).order_by("pk").values())
    assert AssessmentResult.history.count() == audits
    assert [{**row, "inputs_digest": ""} for row in after] == before
    result.refresh_from_db()
    data = load_inputs(cycle, [result])[result.pk]
    assert result.inputs_digest == Digests(cycle.period_span, cycle.rules).of(data, result)


def test_the_digest_changes_with_every_kind_of_input_the_scheme_and_the_stored_scores() -> None:
    period = rules.Period.of("annual", 2026)
    item = rules.QuantitativeItem(
        1, "Revenue", D(100),
        Tiers(target=D(10), baseline=D(8), challenge=D(12), floor=None,
                             polarity="higher", range_low=None, range_high=None),
        "sum", {1: D("1.5")}, {},
    )  # fmt: skip
    base = rules.ScoreInput(quantitative=[item])
    digests = Digests(period, rules.SchemeRules())
    variants = [
        rules.ScoreInput(quantitative=[rules.QuantitativeItem(
            1, "Revenue", D(100), item.tiers, "sum", {1: D("1.6")}, {})]),
        rules.ScoreInput(quantitative=[item], qualitative=D(90)),
        rules.ScoreInput(quantitative=[item], key_tasks=[rules.KeyTask(2, "Launch", "good")]),
        rules.ScoreInput(quantitative=[item], adjustments=[
            rules.Adjustment(3, "bonus", D(1), "Early", "approved")]),
        rules.ScoreInput(quantitative=[item], vetoes=[rules.Veto(4, "Accident", "approved")]),
        rules.ScoreInput(quantitative=[item], exemptions=[
            rules.Exemption(5, 1, "Sick leave", "approved")]),
    ]  # fmt: skip
    stored = SimpleNamespace(
        quantitative_part=D("61.5"), qualitative_part=None, final_score=D("61.50"),
        grade="basic", vetoed=False,
    )  # fmt: skip
    found = {digests.of(base, stored), *(digests.of(v, stored) for v in variants)}
    assert len(found) == len(variants) + 1
    assert digests.of(base, stored) == Digests(period, rules.SchemeRules()).of(base, stored)
    other_scheme = Digests(period, rules.SchemeRules(bonus_cap=D(5)))
    assert other_scheme.of(base, stored) != digests.of(base, stored)
    semi_annual = Digests(rules.Period.of("semi_annual", 2026), rules.SchemeRules())
    assert semi_annual.of(base, stored) != digests.of(base, stored)
    for changed in ({"final_score": None}, {"grade": "good"}, {"vetoed": True}):
        assert digests.of(base, SimpleNamespace(**{**vars(stored), **changed})) != (
            digests.of(base, stored)
        )
