"""A chunk is computed with the cyclic garbage collector paused (a third of its Python CPU
went to collections of garbage without cycles), and the collector is resumed after it —
also when the chunk fails — unless the caller had paused it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from assessment import compute as compute_module
from assessment import rules
from assessment.compute import compute_cycle
from spm.clock import FixedClock
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, worked_example_scorecard


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def scoring_sees_collector(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[bool]:
    """Whether the collector was enabled each time the rules scored a result."""
    seen: list[bool] = []
    real = rules.compute_score

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("rules failed")
        return real(*args, **kwargs)

    monkeypatch.setattr(compute_module.rules, "compute_score", watched)
    return seen


def computed(cast: Cast, caller_enabled: bool) -> Any:
    """Compute the worked example's cycle with the collector as the caller left it."""
    worked_example_scorecard(cast.employee)
    cycle = annual_cycle(cast)
    if caller_enabled:
        gc.enable()
    else:
        gc.disable()
    return compute_cycle(cycle.pk, now=FixedClock.on(cycle.period_span.end).now())


@pytest.mark.parametrize("caller_enabled", [True, False])
def test_the_collector_is_paused_while_scoring_and_left_as_the_caller_had_it(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, collector_restored: None, caller_enabled: bool
) -> None:
    seen = scoring_sees_collector(monkeypatch)
    outcome = computed(cast, caller_enabled)
    assert outcome.computed == len(seen) > 0
    assert seen == [False] * len(seen)
    assert gc.isenabled() is caller_enabled


def test_the_collector_is_resumed_when_the_chunk_fails(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen = scoring_sees_collector(monkeypatch, fail=True)
    with pytest.raises(RuntimeError, match="rules failed"):
        computed(cast, caller_enabled=True)
    assert seen == [False]
    assert gc.isenabled()
