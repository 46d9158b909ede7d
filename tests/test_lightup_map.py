"""Colour everywhere it belongs: objectives on the map from their KPIs' lights (worst by
default, weighted as an option), the objective panel's KPIs, the home panel, and the
re-sweep after actuals change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse

from lightup.models import LightScheme, Rollup
from lightup.services import lightup_sweep
from lightup.tally import colour_counts_in_scope
from org.scoping import SYSTEM
from scorecard.signals import actuals_changed
from strategy.kpis import KPIS_SHOWN, objective_kpis
from strategy.status import objective_statuses
from tests.conftest import Cast
from tests.factories_scorecard import ObjectiveFactory, PlanFactory
from tests.lightup_world import MONTH, TODAY, YEAR, item, scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def objectives(cast: Cast) -> dict[str, Any]:
    """Objectives whose unit items are green; green and red (weights 90/10); none."""
    plan = PlanFactory(owner_unit=cast.group)
    found = {name: ObjectiveFactory(plan=plan) for name in ("green", "mixed", "empty")}
    card = scorecard(cast.engineering)
    item(card, "On plan", objective=found["green"])
    big = item(card, "Big and fine", objective=found["mixed"])
    small = item(card, "Small and red", objective=found["mixed"], monthly=Decimal(50))
    type(big).objects.filter(pk=big.pk).update(weight=Decimal(90))
    type(small).objects.filter(pk=small.pk).update(weight=Decimal(10))
    # An employee's item under the objective does not colour it (the map shows unit KPIs).
    mine = scorecard(cast.engineering, cast.employee)
    item(mine, "Mine", objective=found["green"], monthly=Decimal(0))
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    return found


def test_objective_takes_the_worst_colour_of_its_kpis(
    objectives: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):  # the batch (latest month and roll-up as subqueries)
        colours = objective_statuses(objectives.values())
    assert colours == {
        objectives["green"].pk: "green",
        objectives["mixed"].pk: "red",
        objectives["empty"].pk: "grey",
    }


def test_weighted_rollup_lets_a_small_red_item_pass(objectives: dict[str, Any]) -> None:
    LightScheme.objects.update_or_create(
        is_default=True, defaults={"name": "Weighted", "objective_rollup": Rollup.WEIGHTED}
    )
    assert objective_statuses([objectives["mixed"]])[objectives["mixed"].pk] == "green"


def test_objective_panel_lists_the_kpis_the_user_may_see_with_their_colours(
    cast: Cast, objectives: dict[str, Any]
) -> None:
    mixed = objectives["mixed"].pk
    kpis = objective_kpis(cast.manager.user, [mixed])[mixed]
    assert sorted((k.name, k.status) for k in kpis) == [
        ("Big and fine", "green"),
        ("Small and red", "red"),
    ]
    assert objective_kpis(cast.sibling_manager.user, [mixed])[mixed] == []


def test_home_panel_counts_items_and_objectives_by_colour(
    cast: Cast, objectives: dict[str, Any]
) -> None:
    content = cast.client("executive").get(reverse("home")).content.decode()
    panel = content.split('id="lightup-panel"', 1)[1].split("</section>", 1)[0]
    # The panel's own figures (once blank: its template named them without ``panel.``).
    assert f"Lights {YEAR}-{MONTH}<" in panel
    counts = colour_counts_in_scope(cast.executive.user, YEAR, MONTH)
    assert sum(counts.values()) > 0
    for colour, n in counts.items():
        assert f'lightup-{colour}"></span> {n}</span>' in panel
    assert "Objectives:" in panel and "Objectives at risk" in panel and "<li>" in panel


def test_changed_actuals_enqueue_a_resweep_of_those_items_after_commit(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    card = scorecard(cast.finance)
    changed = item(card, "Cash")
    with (
        mock.patch("lightup.tasks.lightup_sweep_month.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        actuals_changed.send(sender=None, year=YEAR, month=MONTH, item_ids=[changed.pk])
        delay.assert_not_called()  # not before the commit
    delay.assert_called_once_with(YEAR, MONTH, [cast.finance.pk], item_ids=[changed.pk])


def test_many_changed_actuals_enqueue_a_sweep_of_their_units_whole(
    cast: Cast, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lightup.receivers.RESWEEP_ITEMS", 1)
    card = scorecard(cast.finance)
    changed = [item(card, "Cash").pk, item(card, "Debt").pk]
    with (
        mock.patch("lightup.tasks.lightup_sweep_month.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        actuals_changed.send(sender=None, year=YEAR, month=MONTH, item_ids=changed)
    delay.assert_called_once_with(YEAR, MONTH, [cast.finance.pk], item_ids=None)


def test_changed_actuals_are_lit_up_again(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from lightup.models import LightStatus

    changed = item(scorecard(cast.finance), "Cash")
    with django_capture_on_commit_callbacks(execute=True):
        actuals_changed.send(sender=None, year=YEAR, month=MONTH, item_ids=[changed.pk])
    assert LightStatus.objects.filter(item=changed, month=MONTH).exists()


@pytest.mark.parametrize("extra", [0, KPIS_SHOWN + 5])
def test_objective_page_lists_the_first_kpis_in_unit_order_and_says_there_are_more(
    cast: Cast, objectives: dict[str, Any], extra: int, django_assert_num_queries: Any
) -> None:
    """An objective served by every unit lists the first KPIS_SHOWN (tree order, then the
    items' order) and says there are more; the same queries whatever their number."""
    mixed = objectives["mixed"]
    finance = scorecard(cast.finance)
    for n in range(extra):
        item(finance, f"Finance {n:02d}", objective=mixed)
    lightup_sweep(actor=SYSTEM, year=YEAR, month=MONTH, today=TODAY)
    client = cast.client("executive")
    url = reverse("strategy-objective-detail", args=[mixed.pk])
    client.get(url)
    # the page's queries, of which two for the KPIs (ranked per objective, their lights)
    with django_assert_num_queries(11):
        content = client.get(url).content.decode()
    kpis = objective_kpis(cast.executive.user, [mixed.pk])[mixed.pk]
    everything = [("engineering", "Big and fine"), ("engineering", "Small and red")] + [
        ("finance", f"Finance {n:02d}") for n in range(extra)
    ]
    paths = {"engineering": cast.engineering.path, "finance": cast.finance.path}
    everything.sort(key=lambda unit_name: paths[unit_name[0]])
    assert [k.name for k in kpis] == [name for _unit, name in everything][: KPIS_SHOWN + 1]
    assert content.count('class="spm-dot spm-light-') >= min(len(everything), KPIS_SHOWN)
    assert ("data-more-kpis" in content) == (len(everything) > KPIS_SHOWN)
