"""Actuals pages and endpoints against the six-role cast: status codes, exact list rows, the
stale-edit form, query counts at two data sizes."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scorecard.models import (
    ActualStatus,
    ClosedPeriod,
    ItemKind,
    MonthlyActual,
    ScorecardItem,
    ScorecardStatus,
)
from scorecard.services.actuals import actual_record
from tests.access import (
    API,
    MEMBERS,
    assert_scoped,
    expect,
    fresh,
    module_rows,
    scope_table,
    seeing,
)
from tests.conftest import CAST, Cast
from tests.factories import OrgUnitFactory, make_manager
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


@dataclass
class Items:
    engineering: ScorecardItem  # signed unit scorecard; M1 entered by HR
    finance: ScorecardItem  # draft unit scorecard; M1 entered by HR
    employee: ScorecardItem  # the employee's own; M1 entered by the employee
    site_worker: ScorecardItem  # a site team member's; M1 entered by them

    def actual(self, name: str) -> MonthlyActual:
        return MonthlyActual.objects.get(item=getattr(self, name), month=1)


def _quantitative(scorecard: Any) -> ScorecardItem:
    return scorecard.items.get(kind=ItemKind.QUANTITATIVE)


def build_items(cast: Cast) -> Items:
    found = Items(
        engineering=_quantitative(unit_scorecard(cast.engineering, status=ScorecardStatus.SIGNED)),
        finance=_quantitative(unit_scorecard(cast.finance)),
        employee=employee_scorecard(cast.employee).items.get(),
        site_worker=employee_scorecard(cast.site_worker).items.get(),
    )
    actual_record(actor=cast.hr.user, item=found.engineering, month=1, value=10)
    actual_record(actor=cast.hr.user, item=found.finance, month=1, value=20)
    actual_record(actor=cast.employee.user, item=found.employee, month=1, value=3)
    actual_record(actor=cast.site_worker.user, item=found.site_worker, month=1, value=4)
    return found


# Each item is named after the unit or person of the cast whose scorecard holds it.
ALL = {"engineering", "finance", "employee", "site_worker"}
VISIBLE = scope_table(ALL)
# Whoever sees an item enters its values, but an employee only on their own scorecard.
ENTERABLE = {**VISIBLE, "employee": frozenset({"employee"})}
APPROVABLE = {
    "employee": set(),
    "manager": {"engineering", "employee", "site_worker"},
    "sibling_manager": {"finance"},
    "hr": {"employee", "site_worker"},  # not what HR entered itself
    "executive": ALL,
    "anonymous": set(),
}


def _ids(items: Items, names: Iterable[str]) -> set[int]:
    return {getattr(items, n).pk for n in names}


class _named:
    """``BytesIO(...) | _named("a.csv")``: a file object the test client uploads by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __ror__(self, buffer: io.BytesIO) -> io.BytesIO:
        buffer.name = self.name  # type: ignore[attr-defined]
        return buffer


@pytest.fixture(scope="class")
def items_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[Items]:
    yield from module_rows(django_db_blocker, lambda: build_items(cast_rows))


@pytest.fixture
def items(items_rows: Items, db: Any) -> Items:
    return fresh(items_rows)


@pytest.mark.usefixtures("items_rows")
class TestAgainstRecordedActuals:
    """Four items with a value for January, built once for the class: the unit scorecards of
    Engineering (signed) and Finance (draft) with values entered by HR, and the scorecards of
    the employee and a site worker with values they entered themselves."""

    @pytest.mark.parametrize(
        "url_name",
        [
            "actual-list",
            "actual-approvals",
            "actual-import",
            "actual-periods",
            "actual-import-template",
        ],
    )
    def test_actual_pages_need_a_login_and_open_for_every_member(
        self, cast: Cast, items: Items, url_name: str
    ) -> None:
        assert_scoped(cast, reverse(url_name), expect(MEMBERS), data={"year": 2026, "month": 1})

    @pytest.mark.parametrize("role", MEMBERS)
    def test_actual_list_holds_exactly_the_items_in_scope(
        self, cast: Cast, items: Items, role: str
    ) -> None:
        response = cast.client(role).get(reverse("actual-list"), {"year": 2026, "month": 1})
        rows = response.context["page"].object_list
        assert {row.pk for row in rows} == _ids(items, VISIBLE[role])
        assert {row.pk for row in rows if row.can_enter} == _ids(items, ENTERABLE[role])
        mine = cast.client(role).get(
            reverse("actual-list"), {"year": 2026, "month": 1, "mine": "1"}
        )
        assert {row.pk for row in mine.context["page"].object_list} == _ids(items, ENTERABLE[role])

    @pytest.mark.parametrize("role", MEMBERS)
    def test_approval_queue_holds_exactly_what_the_user_may_approve(
        self, cast: Cast, items: Items, role: str
    ) -> None:
        response = cast.client(role).get(reverse("actual-approvals"))
        listed = {a.item_id for a in response.context["page"].object_list}
        assert listed == _ids(items, APPROVABLE[role])

    @pytest.mark.parametrize("which", sorted(ALL))
    @pytest.mark.parametrize("url_name", ["actual-edit", "actual-history"])
    def test_item_pages_answer_404_outside_scope(
        self, cast: Cast, items: Items, which: str, url_name: str
    ) -> None:
        pk = getattr(items, which).pk
        url = reverse(url_name, args=[pk, 1] if url_name == "actual-edit" else [pk])
        assert_scoped(cast, url, expect(seeing(VISIBLE, which)))

    @pytest.mark.parametrize("role", CAST)
    @pytest.mark.parametrize("which", sorted(ALL))
    def test_only_an_owner_enters_a_value_through_the_form(
        self, cast: Cast, items: Items, role: str, which: str
    ) -> None:
        item = getattr(items, which)
        response = cast.client(role).post(
            reverse("actual-edit", args=[item.pk, 2]), {"value": "5.5", "note": "", "version": "0"}
        )
        stored = MonthlyActual.objects.filter(item=item, month=2).first()
        # Seen but not the owner's: 403; not seen: 404.
        expected = expect(
            seeing(ENTERABLE, which),
            ok=302,
            **dict.fromkeys(seeing(VISIBLE, which) - seeing(ENTERABLE, which), 403),
        )
        assert response.status_code == expected[role]
        if which in ENTERABLE[role]:
            assert stored is not None and stored.value == Decimal("5.5")
        else:
            assert stored is None

    @pytest.mark.parametrize("role", CAST)
    def test_only_the_head_side_approves_what_others_entered(
        self, cast: Cast, items: Items, role: str
    ) -> None:
        actual = items.actual("engineering")  # entered by HR
        response = cast.client(role).post(
            reverse("actual-approve", args=[actual.pk]), {"version": actual.version}
        )
        actual.refresh_from_db()
        # The employee sees the signed unit scorecard but may not approve; HR entered the value.
        expected = expect({"manager", "executive"}, ok=302, employee=403, hr=403)
        assert response.status_code == expected[role]
        assert (actual.status == ActualStatus.APPROVED) == (role in {"manager", "executive"})

    def test_a_rejection_needs_a_reason_and_is_audited(self, cast: Cast, items: Items) -> None:
        actual = items.actual("employee")
        client = cast.client("manager")
        client.post(
            reverse("actual-reject", args=[actual.pk]), {"version": actual.version, "reason": ""}
        )
        actual.refresh_from_db()
        assert actual.status == ActualStatus.SUBMITTED
        client.post(
            reverse("actual-reject", args=[actual.pk]),
            {"version": actual.version, "reason": "Wrong meter"},
        )
        actual.refresh_from_db()
        assert actual.status == ActualStatus.REJECTED
        assert actual.history.latest().history_change_reason == "Wrong meter"

    def test_a_stale_edit_in_the_form_is_refused_and_keeps_what_was_typed(
        self, cast: Cast, items: Items
    ) -> None:
        item = items.engineering
        client = cast.client("manager")
        loaded = client.get(reverse("actual-edit", args=[item.pk, 1])).context["form"]
        assert loaded.initial["version"] == 1
        # Meanwhile HR corrects the value.
        actual_record(actor=cast.hr.user, item=item, month=1, value=12, expected_version=1)
        response = client.post(
            reverse("actual-edit", args=[item.pk, 1]),
            {"value": "11", "note": "Mine", "version": "1"},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert "Someone else changed this value" in " ".join(form.non_field_errors())
        assert form["value"].value() == "11" and form["note"].value() == "Mine"
        assert form["version"].value() == "2"  # submitting again deliberately replaces 12
        assert items.actual("engineering").value == Decimal("12")
        assert b'id="stored-value"' in response.content
        again = client.post(
            reverse("actual-edit", args=[item.pk, 1]),
            {"value": "11", "note": "Mine", "version": "2"},
        )
        assert again.status_code == 302 and items.actual("engineering").value == Decimal("11")

    def test_a_closed_month_refuses_the_form(self, cast: Cast, items: Items) -> None:
        ClosedPeriod.objects.create(year=2026, month=3)
        item = items.engineering
        page = cast.client("manager").get(reverse("actual-edit", args=[item.pk, 3]))
        assert "closed" in page.context["problem"]
        response = cast.client("manager").post(
            reverse("actual-edit", args=[item.pk, 3]), {"value": "1", "version": "0"}
        )
        assert response.status_code == 200
        assert "closed" in " ".join(response.context["form"].non_field_errors())
        assert not MonthlyActual.objects.filter(item=item, month=3).exists()

    def test_evidence_is_served_only_inside_scope(self, cast: Cast, items: Items) -> None:
        evidence = SimpleUploadedFile(
            "reading.pdf", b"%PDF-1.4 meter", content_type="application/pdf"
        )
        actual = actual_record(
            actor=cast.hr.user, item=items.finance, month=2, value=1, evidence=evidence
        )
        url = reverse("actual-evidence", args=[actual.pk])
        assert_scoped(cast, url, expect(seeing(VISIBLE, "finance")))

    @pytest.mark.parametrize("role", CAST)
    def test_only_hr_closes_a_month_on_the_periods_page(self, cast: Cast, role: str) -> None:
        response = cast.client(role).post(
            reverse("actual-periods"), {"year": 2026, "month": 4, "action": "close"}
        )
        closed = ClosedPeriod.objects.filter(year=2026, month=4).exists()
        assert response.status_code == expect({"hr"}, ok=302)[role]
        assert closed == (role == "hr")

    def test_the_audit_page_shows_before_and_after(self, cast: Cast, items: Items) -> None:
        actual_record(
            actor=cast.manager.user,
            item=items.engineering,
            month=1,
            value="10.5",
            expected_version=1,
        )
        page = cast.client("hr").get(reverse("actual-history", args=[items.engineering.pk]))
        latest = page.context["page"].object_list[0]
        assert latest.who == "manager"
        assert ("actual value", "10", "10.5") in latest.fields

    def test_the_import_page_reports_each_bad_line_and_writes_nothing(
        self, cast: Cast, items: Items
    ) -> None:
        pk = items.engineering.pk
        content = f"item_id,year,month,value\n{pk},2026,2,5\n{pk},2026,2,x\n"
        upload = SimpleUploadedFile("actuals.csv", content.encode(), content_type="text/csv")
        response = cast.client("manager").post(reverse("actual-import"), {"file": upload})
        report = response.context["report"]
        assert [e.line for e in report.errors] == [3]
        assert b'id="import-errors"' in response.content
        assert not MonthlyActual.objects.filter(month=2).exists()

    # --- API -------------------------------------------------------------------------------

    def test_api_actual_list_holds_exactly_the_actuals_in_scope(
        self, cast: Cast, items: Items
    ) -> None:
        responses = assert_scoped(cast, "/api/v1/actuals/", expect(MEMBERS, anonymous=API))
        for role in MEMBERS:
            listed = {row["item"] for row in responses[role].json()["results"]}
            assert listed == _ids(items, VISIBLE[role]), role

    @pytest.mark.parametrize("which", sorted(ALL))
    def test_api_actual_detail_is_404_outside_scope(
        self, cast: Cast, items: Items, which: str
    ) -> None:
        url = f"/api/v1/actuals/{items.actual(which).pk}/"
        assert_scoped(cast, url, expect(seeing(VISIBLE, which), anonymous=API))

    def test_api_patch_refuses_a_stale_version_with_409(self, cast: Cast, items: Items) -> None:
        url = f"/api/v1/actuals/{items.actual('engineering').pk}/"
        client = cast.client("manager")
        missing = client.patch(url, {"value": "9"}, content_type="application/json")
        assert missing.status_code == 400 and "version" in missing.json()["fields"]
        ok = client.patch(url, {"value": "9", "version": 1}, content_type="application/json")
        assert ok.status_code == 200 and ok.json()["version"] == 2
        stale = client.patch(url, {"value": "8", "version": 1}, content_type="application/json")
        assert stale.status_code == 409 and stale.json()["code"] == "stale"
        assert Decimal(stale.json()["current"]["value"]) == Decimal("9")

    def test_api_creates_a_month_once_and_refuses_items_out_of_scope(
        self, cast: Cast, items: Items
    ) -> None:
        body = {"item": items.finance.pk, "month": 2, "value": "1.5"}
        assert (
            cast.client("manager")
            .post("/api/v1/actuals/", body, content_type="application/json")
            .status_code
            == 400
        )
        client = cast.client("sibling_manager")
        assert (
            client.post("/api/v1/actuals/", body, content_type="application/json").status_code
            == 201
        )
        assert (
            client.post("/api/v1/actuals/", body, content_type="application/json").status_code
            == 409
        )

    def test_api_import_is_all_or_nothing(self, cast: Cast, items: Items) -> None:
        good = f"item_id,year,month,value\n{items.engineering.pk},2026,2,5\n"
        bad = good + f"{items.finance.pk},2026,2,5\n"
        client = cast.client("manager")
        refused = client.post(
            "/api/v1/actual-imports/", {"file": io.BytesIO(bad.encode()) | _named("a.csv")}
        )
        assert refused.status_code == 400 and refused.json()["errors"][0]["line"] == 3
        accepted = client.post(
            "/api/v1/actual-imports/", {"file": io.BytesIO(good.encode()) | _named("a.csv")}
        )
        assert accepted.status_code == 200 and accepted.json()["created"] == 1


@pytest.mark.parametrize("role", CAST)
def test_api_only_hr_closes_and_reopens_periods(cast: Cast, role: str) -> None:
    client = cast.client(role)
    response = client.post(
        "/api/v1/closed-periods/", {"year": 2026, "month": 5}, content_type="application/json"
    )
    assert response.status_code == expect({"hr"}, ok=201, denied=403, anonymous=API)[role]
    if role == "hr":
        pk = response.json()["id"]
        assert cast.client("manager").delete(f"/api/v1/closed-periods/{pk}/").status_code == 403
        assert client.delete(f"/api/v1/closed-periods/{pk}/").status_code == 204
        assert not ClosedPeriod.objects.exists()


# --- Query counts ------------------------------------------------------------------------
# Queries of any signed-in request: session, user, scope (role assignments and employee
# record in one statement).
PAGE_BASE = 3
NAV = 1  # the inbox's unread count in the navigation (notifications app)


def grow(cast: Cast, n: int) -> None:
    """``n`` more teams under Engineering, each with a scorecard of two items and actuals."""
    for i in range(n):
        unit = OrgUnitFactory(parent=cast.engineering, name=f"Team {i}")
        head = make_manager(unit, name=f"Head {i}")
        scorecard = unit_scorecard(unit, quantitative=2, milestone=False)
        for item in scorecard.items.all():
            actual_record(actor=head.user, item=item, month=1, value=i)


@pytest.mark.parametrize("n", [1, 8])
def test_actual_list_page_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    grow(cast, n)
    client = cast.client("manager")
    # + closed period check, + count, + page of items (scorecard, unit, employee joined;
    # may-enter annotated), + the month's actuals of the page with who entered them,
    # + the page's lights of the month, + the user's saved filters of the list
    with django_assert_num_queries(PAGE_BASE + 6 + NAV):
        response = client.get(reverse("actual-list"), {"year": 2026, "month": 1})
    assert len(response.context["page"].object_list) == 2 * n


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_the_entry_form_runs_a_fixed_number_of_queries(
    cast: Cast, items: Items, django_assert_num_queries: Any, role: str
) -> None:
    item = items.employee if role == "employee" else items.engineering
    # + the item with its scorecard, unit and employee, + its actual of the month, + the
    # closed period check; + whether the user may enter it, unless it is their own card's
    extra = 3 if role == "employee" else 4
    client = cast.client(role)
    with django_assert_num_queries(PAGE_BASE + extra + NAV):
        response = client.get(reverse("actual-edit", args=[item.pk, 1]))
    assert response.context["may_enter"] is True


@pytest.mark.parametrize("n", [1, 8])
def test_approvals_page_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    grow(cast, n)
    client = cast.client("manager")
    # + count, + page of actuals with item, scorecard, unit, employee and who entered them,
    # + the units of the unit filter, + the user's saved filters of the list
    with django_assert_num_queries(PAGE_BASE + 4 + NAV):
        response = client.get(reverse("actual-approvals"))
    assert response.context["page"].paginator.count == 2 * n


@pytest.mark.parametrize("n", [1, 8])
def test_audit_page_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    scorecard = unit_scorecard(cast.engineering, milestone=False)
    item = scorecard.items.get()
    for month in range(1, n + 1):
        actual_record(actor=cast.manager.user, item=item, month=month, value=month)
        actual_record(
            actor=cast.hr.user, item=item, month=month, value=month + 1, expected_version=1
        )
    client = cast.client("manager")
    # + the item, + the history rows with their users, + the actuals by month
    with django_assert_num_queries(PAGE_BASE + 3 + NAV):
        response = client.get(reverse("actual-history", args=[item.pk]))
    assert response.context["page"].paginator.count == 2 * n


@pytest.mark.parametrize("n", [1, 8])
def test_api_actual_list_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    grow(cast, n)
    client = cast.client("manager")
    # + page of actuals with item and scorecard (a cursor page: no count)
    with django_assert_num_queries(PAGE_BASE + 1):
        response = client.get("/api/v1/actuals/")
    assert len(response.json()["results"]) == 2 * n


@pytest.mark.parametrize("n", [1, 8])
def test_api_closed_period_list_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    for month in range(1, n + 1):
        ClosedPeriod.objects.create(year=2026, month=month)
    client = cast.client("hr")
    # Periods are not scoped (no scope queries): + count, + page
    with django_assert_num_queries(PAGE_BASE - 1 + 2):
        response = client.get("/api/v1/closed-periods/")
    assert response.json()["count"] == n
