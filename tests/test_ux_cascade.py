"""Cascade and assign as a manager meets them: earlier children counted, overruns refused,
signed scorecards not offered, real counts, no CSRF token in a URL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from scorecard.models import Aggregation, ScorecardItem, ScorecardStatus
from scorecard.rules import cascade as rules
from scorecard.services.cascade import Allocation, SplitMode, item_cascade
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_scorecard import ItemFactory, ScorecardFactory

D = Decimal
amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)


@given(target=amounts, existing=st.lists(amounts, max_size=5), new=st.lists(amounts, max_size=5))
def test_children_fit_exactly_when_nothing_overruns(
    target: Decimal, existing: list[Decimal], new: list[Decimal]
) -> None:
    excess = rules.overrun(target, existing, new)
    assert excess >= 0
    assert (excess == 0) == (sum(existing) + sum(new) <= target)
    assert rules.left_to_give(target, [*existing, *new]) == target - sum(existing) - sum(new)
    assert rules.already_given([*existing, None]) == sum(existing, D(0))


@pytest.fixture
def item(cast: Cast) -> ScorecardItem:
    return ItemFactory.create(
        scorecard=ScorecardFactory.create(unit=cast.engineering), target=D(500)
    )


pytestmark = pytest.mark.django_db


def test_amounts_beyond_the_parent_target_are_refused_counting_earlier_children(
    cast: Cast, item: ScorecardItem
) -> None:
    item_cascade(
        actor=cast.manager.user,
        parent=item,
        mode=SplitMode.AMOUNTS,
        allocations=[Allocation(employee=cast.employee, share=D(400))],
    )
    with pytest.raises(ValidationError, match=r"400 given earlier.*500 by 200"):
        item_cascade(
            actor=cast.manager.user,
            parent=item,
            mode=SplitMode.AMOUNTS,
            allocations=[Allocation(unit=cast.site, share=D(300))],
        )
    assert ScorecardItem.objects.filter(parent=item).count() == 1


def test_percentages_split_what_earlier_cascades_left(cast: Cast, item: ScorecardItem) -> None:
    item_cascade(
        actor=cast.manager.user,
        parent=item,
        mode=SplitMode.AMOUNTS,
        allocations=[Allocation(employee=cast.employee, share=D(300))],
    )
    newcomer = EmployeeFactory.create(unit=cast.engineering, line_manager=cast.manager)
    result = item_cascade(
        actor=cast.manager.user,
        parent=item,
        mode=SplitMode.PERCENTAGES,
        allocations=[
            Allocation(unit=cast.site, share=D(75)),
            Allocation(employee=newcomer, share=D(25)),
        ],
    )
    assert [c.target for c in result.items] == [D(150), D(50)]
    assert sum(c.target for c in ScorecardItem.objects.filter(parent=item)) == item.target
    with pytest.raises(ValidationError, match="whole target"):
        item_cascade(
            actor=cast.manager.user,
            parent=item,
            mode=SplitMode.AMOUNTS,
            allocations=[Allocation(employee=cast.site_worker, share=D(1))],
        )


def test_the_cascade_page_counts_earlier_children_and_offers_neither_them_nor_signed_cards(
    cast: Cast, item: ScorecardItem
) -> None:
    item_cascade(
        actor=cast.manager.user,
        parent=item,
        mode=SplitMode.AMOUNTS,
        allocations=[Allocation(employee=cast.employee, share=D(500))],
    )
    ScorecardFactory.create(unit=cast.site, year=item.scorecard.year, status=ScorecardStatus.SIGNED)
    newcomer = EmployeeFactory.create(unit=cast.engineering, line_manager=cast.manager)
    page = cast.client("manager").get(reverse("scorecard-item-cascade", args=[item.pk]))
    # Nor the manager: nobody sets their own goals.
    assert {r.key for r in page.context["form"].receivers} == {f"e{newcomer.pk}"}
    assert (page.context["given"], page.context["left"]) == (D(500), D(0))
    assert page.context["signed"] == ["Site team"]
    html = page.content.decode()
    assert 'data-already="500' in html and "Site team" in html
    assert f'name="pick_e{newcomer.pk}"' in html
    assert f'name="pick_e{cast.manager.pk}"' not in html


def test_an_overrun_on_the_page_is_a_field_error_not_a_warning(
    cast: Cast, item: ScorecardItem
) -> None:
    response = cast.client("manager").post(
        reverse("scorecard-item-cascade", args=[item.pk]),
        {
            "mode": "amounts",
            f"pick_u{cast.site.pk}": "on",
            f"share_u{cast.site.pk}": "600",
            f"pick_e{cast.employee.pk}": "on",
            f"share_e{cast.employee.pk}": "400",
        },
    )
    assert response.status_code == 200
    assert "exceed" in response.content.decode()
    assert not ScorecardItem.objects.filter(parent=item).exists()


def test_assign_reports_the_real_count_and_previews_by_post(cast: Cast) -> None:
    ratio = ItemFactory.create(
        scorecard=ScorecardFactory.create(unit=cast.engineering),
        aggregation=Aggregation.AVERAGE,
        floor=D(5),
        baseline=D(6),
        target=D(7),
        challenge=D(8),
    )
    client = cast.client("manager")
    url = reverse("scorecard-item-assign", args=[ratio.pk])
    page = client.get(url).content.decode()
    assert 'formmethod="get"' not in page and "hx-get" not in page
    choice = {"unit": cast.engineering.pk, "include_subunits": "on", "job_title": "Engineer"}
    preview = client.post(url, {**choice, "preview": "1"}, headers={"HX-Request": "true"})
    assert preview.context["preview"]["count"] == 2
    assert not ScorecardItem.objects.filter(parent=ratio).exists()
    done = client.post(url, choice, follow=True)
    assert "Goal assigned to 2 people." in done.content.decode()
    # A ratio's children are not summed ("total 14" of two 7 % targets means nothing).
    detail = client.get(reverse("scorecard-item", args=[ratio.pk]))
    assert detail.context["children_total"] is None


def test_the_cascade_page_costs_the_same_queries_for_few_or_many_receivers(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EmployeeFactory, OrgUnitFactory

    def cost(item: ScorecardItem) -> int:
        client = cast.client("manager")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("scorecard-item-cascade", args=[item.pk])).status_code == 200
        return len(queries)

    first = ItemFactory.create(
        scorecard=ScorecardFactory.create(unit=cast.engineering), target=D(500)
    )
    few = cost(first)
    for i in range(6):
        unit = OrgUnitFactory.create(parent=cast.engineering, name=f"Team {i}")
        ScorecardFactory.create(unit=unit, year=first.scorecard.year, status=ScorecardStatus.SIGNED)
        person = EmployeeFactory.create(unit=cast.engineering)
        item_cascade(
            actor=cast.manager.user,
            parent=first,
            mode=SplitMode.AMOUNTS,
            allocations=[Allocation(employee=person, share=D(10))],
        )
    assert cost(first) == few
