"""The bonus pages: the report's totals, chart and budget; the what-if that saves nothing
until applied (then a new version); the payout with its explanation; the base-bonus
import page; the home panel and the menu entry."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from assessment.models import AssessmentCycle, CycleStatus
from incentives.models import BonusScheme, Payout, UnitPool
from org.models import Employee
from tests.conftest import Cast
from tests.incentives_world import TERMS, bonus_world, finalise_directly, preview, run

D = Decimal


def computed(cast: Cast, *, publish: bool = False) -> Any:
    world = bonus_world(cast)
    UnitPool.objects.create(scheme=world.scheme, unit=cast.site, amount=D("60000.00"))
    cycle = finalise_directly(world.cycle)
    run(cast.hr.user, cycle)
    if publish:
        AssessmentCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    return world


def test_hr_report_shows_totals_budget_pools_and_charts(cast: Cast) -> None:
    world = computed(cast)
    page = cast.client("hr").get(f"/incentives/cycles/{world.cycle.pk}/").content.decode()
    # 120,000 + 60,000 (pool) + 80,000 + 120,000
    assert "380,000.00" in page
    # budget: bases of those paid alone (330,000) + the pool (60,000)
    assert "390,000.00" in page
    assert page.count("<svg") == 2 and "Site team" in page
    assert "<rect" in page and "&lt;rect" not in page  # the bars drawn, not escaped
    assert "Compute payouts" in page and "What-if" in page


def test_manager_report_holds_only_their_team(cast: Cast) -> None:
    world = computed(cast)
    page = cast.client("manager").get(f"/incentives/cycles/{world.cycle.pk}/").content.decode()
    assert cast.site_worker.name in page and cast.finance_clerk.name not in page
    assert "Compute payouts" not in page and "What-if" not in page


def test_whatif_previews_without_saving_and_apply_makes_a_new_version(cast: Cast) -> None:
    world = bonus_world(cast)
    client = cast.client("hr")
    url = f"/incentives/cycles/{world.cycle.pk}/what-if/"
    assert "Preview" in client.get(url).content.decode()
    fields = dict(TERMS)
    page = preview(client, url, fields).content.decode()
    assert "150,000.00" in page  # the employee under the proposal
    assert "30,000.00" in page  # their change
    assert 'value="1.5"' in page  # the form shows the terms the result belongs to
    assert BonusScheme.objects.count() == 1
    response = client.post(url, {**fields, "version": "1"})
    assert response.status_code == 302
    latest = BonusScheme.objects.order_by("-version").first()
    assert latest is not None and latest.version == 2 and latest.good == D("1.5")
    stale = client.post(url, {**fields, "version": "1"})
    assert stale.status_code == 200 and BonusScheme.objects.count() == 2


def test_employee_sees_their_bonus_and_why_once_published(cast: Cast) -> None:
    world = computed(cast, publish=True)
    client = cast.client("employee")
    home = client.get("/incentives/").content.decode()
    assert "120,000.00" in home
    payout = Payout.objects.get(result=world.results["employee"])
    page = client.get(f"/incentives/payouts/{payout.pk}/").content.decode()
    assert "100000.00 \u00d7 coefficient 1.200" in page
    worker = cast.client("manager")
    pooled = Payout.objects.get(result=world.results["site_worker"])
    page = worker.get(f"/incentives/payouts/{pooled.pk}/").content.decode()
    assert "The pool of Site team is 60000.00" in page


def test_base_bonus_import_page_reports_bad_lines(cast: Cast) -> None:
    client = cast.client("hr")
    bad = io.BytesIO(b"employee_no,base_bonus\nNOBODY,5\n")
    bad.name = "b.csv"
    page = client.post("/incentives/base-bonuses/", {"file": bad}).content.decode()
    assert "Nothing was imported" in page and "NOBODY" in page
    good = io.BytesIO(f"employee_no,base_bonus\n{cast.employee.employee_no},4321\n".encode())
    good.name = "b.csv"
    client.post("/incentives/base-bonuses/", {"file": good})
    assert Employee.objects.get(pk=cast.employee.pk).base_bonus == D("4321")


def test_menu_and_home_panel_lead_to_the_bonuses(cast: Cast) -> None:
    world = computed(cast, publish=True)
    del world
    page = cast.client("employee").get("/").content.decode()
    assert "/incentives/" in page and "Your latest bonus" in page


def test_report_pages_its_unit_table_apart_from_the_people(cast: Cast, monkeypatch: Any) -> None:
    from incentives import selectors
    from incentives.views import report

    world = computed(cast)
    units = [u["unit__name"] for u in selectors.report(cast.hr.user, world.cycle).units.rows()]
    assert len(units) >= 2
    monkeypatch.setattr(report, "UNIT_PAGE_SIZE", 1)
    client = cast.client("hr")
    url = f"/incentives/cycles/{world.cycle.pk}/"

    def unit_table(query: str) -> str:
        page = client.get(url + query).content.decode()
        return page.split('id="by-unit"')[1].split("</section>")[0]

    first = unit_table("?page=1")
    rows = first.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1 and units[0] in rows
    # the pager keeps the people's page and comes back to the table
    assert "?page=1&amp;units=2#by-unit" in first
    assert f"Page 1 of {len(units)}" in first
    last = unit_table(f"?units={len(units)}")
    rows = last.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1 and units[-1] in rows


def test_the_people_pager_counts_what_the_report_counts(cast: Cast, monkeypatch: Any) -> None:
    """The per-person pager takes its count from the kept totals (no count of every
    payout): the same number of payouts the user sees, their own hidden one left out."""
    from incentives import selectors
    from incentives.views import report

    world = computed(cast)
    monkeypatch.setattr(report, "PAGE_SIZE", 1)
    for role in ("hr", "manager"):
        user = getattr(cast, role).user
        seen = selectors.payouts(user).filter(cycle=world.cycle).count()
        page = cast.client(role).get(f"/incentives/cycles/{world.cycle.pk}/")
        assert page.context["page"].paginator.count == seen
        assert f"Page 1 of {seen}" in page.content.decode()


def test_whatif_page_shows_every_input_once_with_its_label(cast: Cast) -> None:
    world = bonus_world(cast)
    page = cast.client("hr").get(f"/incentives/cycles/{world.cycle.pk}/what-if/")
    html = page.content.decode()
    form = page.context["form"]
    for name in ["cap_ratio", "cap_amount", *(f"pool_{u.pk}" for u in form.units)]:
        assert html.count(f'name="{name}"') == 1, name
        assert f'<label class="form-label" for="id_{name}">' in html, name
    assert form.units and f">{form.units[0].name}</label>" in html
