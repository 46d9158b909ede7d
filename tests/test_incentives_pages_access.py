"""Every bonus page, endpoint and export against the role cast: out of scope is 404 and
absent from lists; HR and executives (the level above) try and apply terms, HR alone
imports base bonuses and starts the computation; the employee sees their own bonus, and
only once it is published."""

from __future__ import annotations

import io
from typing import Any

import pytest

from incentives.models import BonusScheme, Payout
from tests.access import assert_scoped, expect
from tests.conftest import CAST, Cast
from tests.test_incentives_pages import computed

REPORTERS = {"manager", "sibling_manager", "hr", "executive"}
API = 401


@pytest.fixture
def world(cast: Cast) -> Any:
    return computed(cast, publish=True)


def test_bonus_home_answers_every_member(cast: Cast, world: Any) -> None:
    responses = assert_scoped(cast, "/incentives/", expect(set(CAST) - {"anonymous"}))
    assert "120,000.00" in responses["employee"].content.decode()
    assert "120,000.00" not in responses["sibling_manager"].content.decode()


@pytest.mark.parametrize("suffix", ["", "export.csv", "export.xlsx"])
def test_report_and_exports_answer_managers_hr_and_executives(
    cast: Cast, world: Any, suffix: str
) -> None:
    url = f"/incentives/cycles/{world.cycle.pk}/{suffix}"
    responses = assert_scoped(cast, url, expect(REPORTERS))
    if suffix == "export.csv":
        sibling = responses["sibling_manager"].content.decode()
        assert cast.finance_clerk.name in sibling and cast.employee.name not in sibling
        assert cast.finance_clerk.name not in responses["manager"].content.decode()


def test_whatif_is_for_hr_and_executives_compute_for_hr(cast: Cast, world: Any) -> None:
    url = f"/incentives/cycles/{world.cycle.pk}/what-if/"
    assert_scoped(cast, url, expect({"hr", "executive"}))
    revisers = expect({"hr", "executive"}, ok=200)
    assert_scoped(cast, url, revisers, method="post", data={"version": "9"})
    compute = f"/incentives/cycles/{world.cycle.pk}/compute/"
    # published: HR is told it is too late (back to the report), the others find nothing
    assert_scoped(cast, compute, expect({"hr"}, ok=302), method="post")


def test_payout_page_follows_the_person_and_the_unit(cast: Cast, world: Any) -> None:
    payout = Payout.objects.get(result=world.results["employee"])
    assert_scoped(
        cast,
        f"/incentives/payouts/{payout.pk}/",
        expect({"employee", "manager", "hr", "executive"}),
    )
    theirs = Payout.objects.get(result=world.results["finance_clerk"])
    assert_scoped(
        cast, f"/incentives/payouts/{theirs.pk}/", expect({"sibling_manager", "hr", "executive"})
    )


def test_base_bonus_import_page_is_hr_only(cast: Cast) -> None:
    assert_scoped(cast, "/incentives/base-bonuses/", expect({"hr"}))


def test_payout_summary_endpoint(cast: Cast, world: Any) -> None:
    url = f"/api/v1/payout-summary/?cycle={world.cycle.pk}"
    responses = assert_scoped(cast, url, expect(REPORTERS, anonymous=API))
    assert responses["hr"].json()["paid"] == "380000.00"
    assert responses["sibling_manager"].json()["paid"] == "80000.00"


def test_scheme_endpoints(cast: Cast, world: Any) -> None:
    readers = {"hr", "executive"}
    assert_scoped(cast, f"/api/v1/bonus-schemes/{world.scheme.pk}/", expect(readers, anonymous=API))
    for role in CAST[:-1]:
        ids = {r["id"] for r in cast.client(role).get("/api/v1/bonus-schemes/").json()["results"]}
        assert (world.scheme.pk in ids) == (role in readers)


def test_whatif_endpoint_starts_a_job_for_hr_and_executives(cast: Cast) -> None:
    from tests.incentives_world import bonus_world

    plain = bonus_world(cast)
    url = f"/api/v1/bonus-schemes/{plain.scheme.pk}/what-if/"
    body = {"cycle": plain.cycle.pk, "good": "1.5"}
    responses = assert_scoped(
        cast,
        url,
        expect({"hr", "executive"}, ok=202, anonymous=API),
        method="post",
        data=body,
        content_type="application/json",
    )
    assert responses["hr"].json()["status"] == "pending"
    assert BonusScheme.objects.count() == 1


def test_revise_endpoint_hr_and_executives_create_a_version(cast: Cast, world: Any) -> None:
    url = f"/api/v1/bonus-schemes/{world.scheme.pk}/revise/"
    responses = assert_scoped(
        cast,
        url,
        expect({"hr", "executive"}, ok=201, anonymous=API),
        method="post",
        data={"version": 1, "good": "1.3"},
        content_type="application/json",
    )
    assert responses["hr"].json()["version"] == 2
    stale = cast.client("hr").post(url, {"version": 0}, content_type="application/json")
    assert stale.status_code == 409


def test_base_bonus_import_endpoint(cast: Cast) -> None:
    def upload() -> dict[str, Any]:
        data = io.BytesIO(f"employee_no,base_bonus\n{cast.employee.employee_no},7\n".encode())
        data.name = "b.csv"
        return {"file": data}

    for role in CAST:
        response = cast.client(role).post("/api/v1/base-bonus-imports/", upload())
        assert response.status_code == {"hr": 200, "anonymous": 401}.get(role, 404), role


def test_payout_summary_units_are_paged_and_scoped(cast: Cast, world: Any) -> None:
    """The summary links to its units, paged by cursor; walked page by page they are the
    units the user sees, with the figures of a sum of their payouts."""
    from django.db.models import Count, Sum

    url = f"/api/v1/payout-summary/units/?cycle={world.cycle.pk}"
    responses = assert_scoped(cast, url, expect(REPORTERS, anonymous=API))
    assert "by_unit" not in responses["hr"].json()
    summary = cast.client("hr").get(f"/api/v1/payout-summary/?cycle={world.cycle.pk}").json()
    assert summary["units"].endswith(url)
    for role in ("hr", "sibling_manager"):
        client, rows, link = cast.client(role), [], f"{url}&page_size=1"
        while link:
            body = client.get(link).json()
            assert len(body["results"]) <= 1
            rows += body["results"]
            link = body["next"]
        payouts = Payout.objects.filter(cycle=world.cycle)
        if role == "sibling_manager":
            payouts = payouts.filter(unit__path__startswith=cast.sibling_manager.unit.path)
        summed = payouts.order_by().values_list("unit_id").annotate(n=Count("pk"), s=Sum("amount"))
        assert {r["unit"]: (r["n"], r["paid"]) for r in rows} == {
            unit: (n, f"{paid:.2f}") for unit, n, paid in summed
        }
        assert len(rows) == len({r["unit"] for r in rows}) >= 1
