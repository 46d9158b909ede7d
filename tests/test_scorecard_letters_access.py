"""Letter pages and endpoints against the six-role cast: status codes, exact list rows,
query counts at two data sizes, and the sign → countersign → locked flow through the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from scorecard.models import LetterStatus, ResponsibilityLetter, ScorecardStatus
from scorecard.services.letters import letter_countersign, letter_issue, letter_sign
from tests.conftest import CAST, Cast
from tests.factories import make_manager
from tests.factories_tracking import (
    LetterFactory,
    employee_scorecard,
    unit_scorecard,
)

pytestmark = pytest.mark.django_db


@dataclass
class Letters:
    engineering: ResponsibilityLetter  # signed unit letter
    finance: ResponsibilityLetter  # awaiting the finance head
    employee: ResponsibilityLetter  # the employee's own, signed
    site_worker: ResponsibilityLetter  # a site team member's, signed


def _sign_through(letter: ResponsibilityLetter) -> ResponsibilityLetter:
    letter_sign(actor=letter.signer.user, letter=letter)
    return letter_countersign(actor=letter.issuer.user, letter=letter)


@pytest.fixture
def letters(cast: Cast) -> Letters:
    execu = cast.executive.user
    return Letters(
        engineering=_sign_through(
            letter_issue(actor=execu, scorecard=unit_scorecard(cast.engineering))
        ),
        finance=letter_issue(actor=execu, scorecard=unit_scorecard(cast.finance)),
        employee=_sign_through(
            letter_issue(actor=execu, scorecard=employee_scorecard(cast.employee))
        ),
        site_worker=_sign_through(
            letter_issue(actor=execu, scorecard=employee_scorecard(cast.site_worker))
        ),
    )


ALL = {"engineering", "finance", "employee", "site_worker"}
VISIBLE = {
    "employee": {"engineering", "employee"},
    "manager": {"engineering", "employee", "site_worker"},
    "sibling_manager": {"finance"},
    "hr": ALL,
    "executive": ALL,
    "anonymous": set(),
}


def _ids(letters: Letters, names: set[str]) -> set[int]:
    return {getattr(letters, n).pk for n in names}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("which", sorted(ALL))
@pytest.mark.parametrize("url_name", ["letter-detail", "letter-pdf"])
def test_letter_pages_answer_404_outside_scope(
    cast: Cast, letters: Letters, role: str, which: str, url_name: str
) -> None:
    response = cast.client(role).get(reverse(url_name, args=[getattr(letters, which).pk]))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if which in VISIBLE[role] else 404)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("which", sorted(ALL))
def test_scorecard_letter_versions_answer_404_outside_scope(
    cast: Cast, letters: Letters, role: str, which: str
) -> None:
    scorecard = getattr(letters, which).scorecard
    response = cast.client(role).get(reverse("scorecard-letters", args=[scorecard.pk]))
    if role == "anonymous":
        assert response.status_code == 302
        return
    # A scorecard awaiting signatures is hidden from employees, like its letter.
    assert response.status_code == (200 if which in VISIBLE[role] else 404)
    if response.status_code == 200:
        assert {v.pk for v in response.context["versions"]} == {getattr(letters, which).pk}


@pytest.mark.parametrize("role", CAST)
def test_letter_list_holds_exactly_the_letters_in_scope(
    cast: Cast, letters: Letters, role: str
) -> None:
    response = cast.client(role).get(reverse("letter-list"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert {row.pk for row in response.context["page"].object_list} == _ids(letters, VISIBLE[role])


@pytest.mark.parametrize("role", CAST)
def test_awaiting_me_lists_what_the_user_must_sign_or_acknowledge(
    cast: Cast, letters: Letters, role: str
) -> None:
    if role == "anonymous":
        return
    response = cast.client(role).get(reverse("letter-list"), {"awaiting": "1"})
    expected = {"sibling_manager": {"finance"}, "employee": {"employee"}}.get(role, set())
    assert {row.pk for row in response.context["page"].object_list} == _ids(letters, expected)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("url_name", ["letter-sign", "letter-countersign", "letter-acknowledge"])
def test_only_the_named_party_acts_on_a_letter(
    cast: Cast, letters: Letters, role: str, url_name: str
) -> None:
    target = letters.finance if url_name != "letter-acknowledge" else letters.employee
    response = cast.client(role).post(reverse(url_name, args=[target.pk]))
    target.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        return
    visible = ("finance" if target == letters.finance else "employee") in VISIBLE[role]
    allowed = {
        "letter-sign": "sibling_manager",
        "letter-countersign": "executive",
        "letter-acknowledge": "employee",
    }[url_name]
    if not visible:
        assert response.status_code == 404
    elif role == allowed:
        assert response.status_code == 302
    else:
        assert response.status_code == 403
    if url_name == "letter-sign":
        assert (target.status == LetterStatus.AWAITING_ISSUER) == (role == allowed)
    if url_name == "letter-acknowledge":
        assert (target.acknowledged_at is not None) == (role == allowed)


@pytest.mark.parametrize("role", CAST)
def test_only_the_issuing_side_issues_and_amends(cast: Cast, letters: Letters, role: str) -> None:
    scorecard = letters.engineering.scorecard
    amend = cast.client(role).post(
        reverse("scorecard-amend", args=[scorecard.pk]), {"reason": "Reorg"}
    )
    scorecard.refresh_from_db()
    expected = {"anonymous": 302, "employee": 404, "sibling_manager": 404, "manager": 403}
    if role in ("hr", "executive"):
        assert amend.status_code == 302 and scorecard.status == ScorecardStatus.DRAFT
    else:
        assert amend.status_code == expected[role] and scorecard.locked


def test_the_letter_is_issued_signed_and_countersigned_through_the_pages(cast: Cast) -> None:
    hq_head = make_manager(cast.hq, name="Head of HQ", user__username="hq_head")
    scorecard = unit_scorecard(cast.engineering)
    hr = cast.client("hr")
    page = hr.get(reverse("scorecard-letters", args=[scorecard.pk]))
    assert page.context["may_issue"] is True
    response = hr.post(reverse("letter-issue", args=[scorecard.pk]), {"reason": ""})
    letter = ResponsibilityLetter.objects.get()
    assert response["Location"] == reverse("letter-detail", args=[letter.pk])
    manager = cast.client("manager")
    assert manager.get(reverse("letter-detail", args=[letter.pk])).context["actions"].sign
    manager.post(reverse("letter-sign", args=[letter.pk]))
    head = cast.client("manager").__class__()
    head.force_login(hq_head.user)
    head.post(reverse("letter-countersign", args=[letter.pk]))
    page = head.get(reverse("letter-detail", args=[letter.pk]))
    assert page.context["letter"].status == LetterStatus.SIGNED
    assert b'id="scorecard-locked"' in page.content
    scorecard.refresh_from_db()
    assert scorecard.locked


def test_an_issue_that_fails_shows_why_on_the_form(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.engineering, quantitative=0, milestone=False)
    response = cast.client("executive").post(reverse("letter-issue", args=[scorecard.pk]))
    assert response.status_code == 200
    assert "no items" in " ".join(response.context["issue_form"].non_field_errors())


@pytest.mark.parametrize("font_on_machine", [True, False])
def test_the_pdf_renders_chinese_with_a_cjk_font(
    cast: Cast, monkeypatch: Any, font_on_machine: bool
) -> None:
    from scorecard import pdf
    from tests.factories import OrgUnitFactory

    if not font_on_machine:
        monkeypatch.setattr(pdf, "CJK_FONT_FILES", ())
    pdf.cjk_font_file.cache_clear()
    unit = OrgUnitFactory(parent=cast.engineering, name="工程建设部")
    make_manager(unit, name="陈建国")
    letter = letter_issue(actor=cast.executive.user, scorecard=unit_scorecard(unit))
    response = cast.client("manager").get(reverse("letter-pdf", args=[letter.pk]))
    pdf.cjk_font_file.cache_clear()
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if font_on_machine and pdf.cjk_font_file() is not None:
        # The machine's CJK TrueType font, embedded (subset) in the document.
        assert b"/FontFile2" in response.content
    else:
        # ReportLab's standard Chinese CID font, drawn by the reader's own Song face.
        assert pdf.CID_FONT.encode() in response.content


def test_an_old_version_renders_from_its_snapshot_not_from_live_data(
    cast: Cast, letters: Letters
) -> None:
    letter = letters.engineering
    item = letter.scorecard.items.filter(kind="quantitative").get()
    ResponsibilityLetter.objects.filter(pk=letter.pk)  # the stored snapshot says "Indicator item"
    type(item).objects.filter(pk=item.pk).update(name="Renamed since")
    page = cast.client("hr").get(reverse("letter-detail", args=[letter.pk]))
    assert item.name.encode() in page.content
    assert b"Renamed since" not in page.content


# --- API -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CAST)
def test_api_letter_list_holds_exactly_the_letters_in_scope(
    cast: Cast, letters: Letters, role: str
) -> None:
    response = cast.client(role).get("/api/v1/letters/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert {row["id"] for row in response.json()["results"]} == _ids(letters, VISIBLE[role])


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("which", sorted(ALL))
def test_api_letter_detail_is_404_outside_scope(
    cast: Cast, letters: Letters, role: str, which: str
) -> None:
    response = cast.client(role).get(f"/api/v1/letters/{getattr(letters, which).pk}/")
    if role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code == (200 if which in VISIBLE[role] else 404)


def test_api_issues_signs_countersigns_and_amends(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.finance)
    issued = cast.client("executive").post(
        "/api/v1/letters/", {"scorecard": scorecard.pk}, content_type="application/json"
    )
    assert issued.status_code == 201, issued.content
    pk = issued.json()["id"]
    assert cast.client("manager").post(f"/api/v1/letters/{pk}/sign/").status_code == 404
    assert cast.client("executive").post(f"/api/v1/letters/{pk}/sign/").status_code == 403
    assert cast.client("sibling_manager").post(f"/api/v1/letters/{pk}/sign/").status_code == 200
    done = cast.client("executive").post(f"/api/v1/letters/{pk}/countersign/")
    assert done.json()["status"] == LetterStatus.SIGNED
    again = cast.client("executive").post(f"/api/v1/letters/{pk}/countersign/")
    assert again.status_code == 400
    amended = cast.client("hr").post(
        f"/api/v1/letters/{pk}/amend/", {"reason": "Budget cut"}, content_type="application/json"
    )
    assert amended.json() == {"scorecard": scorecard.pk, "status": ScorecardStatus.DRAFT}
    pdf = cast.client("hr").get(f"/api/v1/letters/{pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"


def test_api_cannot_issue_for_a_scorecard_out_of_scope(cast: Cast) -> None:
    scorecard = unit_scorecard(cast.engineering)
    response = cast.client("sibling_manager").post(
        "/api/v1/letters/", {"scorecard": scorecard.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "scorecard" in response.json()


# --- Query counts ------------------------------------------------------------------------
# Queries of any signed-in request: session, user, scope (role assignments, employee
# record), and the session renewal of the idle timeout (savepoint, update, release).
PAGE_BASE = 7
NAV = 1  # the inbox's unread count in the navigation (notifications app)


def _many_letters(cast: Cast, n: int) -> None:
    from tests.factories import OrgUnitFactory

    for i in range(n):
        unit = OrgUnitFactory(parent=cast.engineering, name=f"Team {i}")
        head = make_manager(unit, name=f"Head {i}")
        LetterFactory(
            scorecard=unit_scorecard(unit, milestone=False), signer=head, issuer=cast.manager
        )


@pytest.mark.parametrize("n", [2, 12])
def test_letter_list_page_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    _many_letters(cast, n)
    client = cast.client("manager")
    # + count, + page of letters with scorecard, unit, employee, signer and issuer (joins)
    with django_assert_num_queries(PAGE_BASE + 2 + NAV):
        response = client.get(reverse("letter-list"))
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [2, 12])
def test_api_letter_list_runs_a_fixed_number_of_queries(
    cast: Cast, django_assert_num_queries: Any, n: int
) -> None:
    _many_letters(cast, n)
    client = cast.client("manager")
    # + count, + page of letters with signer and issuer
    with django_assert_num_queries(PAGE_BASE + 2):
        response = client.get("/api/v1/letters/")
    assert response.json()["count"] == n
