"""Letter pages and endpoints against the six-role cast: status codes, exact list rows,
query counts at two data sizes, and the sign → countersign → locked flow through the pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from scorecard.models import LetterStatus, ResponsibilityLetter, ScorecardStatus
from scorecard.services.letters import letter_countersign, letter_issue, letter_sign
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
from tests.factories import make_manager
from tests.factories_tracking import (
    LetterFactory,
    employee_scorecard,
    unit_scorecard,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test here works on the cast: build it once for the module."""
    return shared_cast


@dataclass
class Letters:
    engineering: ResponsibilityLetter  # signed unit letter
    finance: ResponsibilityLetter  # awaiting the finance head
    employee: ResponsibilityLetter  # the employee's own, signed
    site_worker: ResponsibilityLetter  # a site team member's, signed


def _sign_through(letter: ResponsibilityLetter) -> ResponsibilityLetter:
    letter_sign(actor=letter.signer.user, letter=letter)
    return letter_countersign(actor=letter.issuer.user, letter=letter)


def build_letters(cast: Cast) -> Letters:
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


@pytest.fixture(scope="class")
def letters_rows(cast_rows: Cast, django_db_blocker: Any) -> Iterator[Letters]:
    yield from module_rows(django_db_blocker, lambda: build_letters(cast_rows))


@pytest.fixture
def letters(letters_rows: Letters, db: Any) -> Letters:
    return fresh(letters_rows)


# Each letter is named after the unit or person of the cast whose scorecard it binds.
ALL = {"engineering", "finance", "employee", "site_worker"}
VISIBLE = scope_table(ALL)


def _ids(letters: Letters, names: Iterable[str]) -> set[int]:
    return {getattr(letters, n).pk for n in names}


@pytest.mark.usefixtures("letters_rows")
class TestAgainstIssuedLetters:
    """Four letters issued once for the class: Engineering's, the employee's and a site
    worker's signed through, Finance's awaiting its head."""

    @pytest.mark.parametrize("which", sorted(ALL))
    @pytest.mark.parametrize("url_name", ["letter-detail", "letter-pdf"])
    def test_letter_pages_answer_404_outside_scope(
        self, cast: Cast, letters: Letters, which: str, url_name: str
    ) -> None:
        url = reverse(url_name, args=[getattr(letters, which).pk])
        assert_scoped(cast, url, expect(seeing(VISIBLE, which)))

    @pytest.mark.parametrize("which", sorted(ALL))
    def test_scorecard_letter_versions_answer_404_outside_scope(
        self, cast: Cast, letters: Letters, which: str
    ) -> None:
        letter = getattr(letters, which)
        url = reverse("scorecard-letters", args=[letter.scorecard.pk])
        # A scorecard awaiting signatures is hidden from employees, like its letter.
        responses = assert_scoped(cast, url, expect(seeing(VISIBLE, which)))
        for role in seeing(VISIBLE, which):
            assert {v.pk for v in responses[role].context["versions"]} == {letter.pk}, role

    def test_letter_list_holds_exactly_the_letters_in_scope(
        self, cast: Cast, letters: Letters
    ) -> None:
        responses = assert_scoped(cast, reverse("letter-list"), expect(MEMBERS))
        for role in MEMBERS:
            listed = {row.pk for row in responses[role].context["page"].object_list}
            assert listed == _ids(letters, VISIBLE[role]), role

    @pytest.mark.parametrize("role", MEMBERS)
    def test_awaiting_me_lists_what_the_user_must_sign_or_acknowledge(
        self, cast: Cast, letters: Letters, role: str
    ) -> None:
        response = cast.client(role).get(reverse("letter-list"), {"awaiting": "1"})
        expected = {"sibling_manager": {"finance"}, "employee": {"employee"}}.get(role, set())
        assert {row.pk for row in response.context["page"].object_list} == _ids(letters, expected)
        # The home page's short list: the same letters.
        from scorecard.selectors.letters import letters_awaiting

        home = letters_awaiting(cast.member(role).user)  # type: ignore[union-attr]
        assert {row.pk for row in home} == _ids(letters, expected)

    @pytest.mark.parametrize("role", CAST)
    @pytest.mark.parametrize(
        "url_name", ["letter-sign", "letter-countersign", "letter-acknowledge"]
    )
    def test_only_the_named_party_acts_on_a_letter(
        self, cast: Cast, letters: Letters, role: str, url_name: str
    ) -> None:
        target = letters.finance if url_name != "letter-acknowledge" else letters.employee
        response = cast.client(role).post(reverse(url_name, args=[target.pk]))
        target.refresh_from_db()
        which = "finance" if target == letters.finance else "employee"
        allowed = {
            "letter-sign": "sibling_manager",
            "letter-countersign": "executive",
            "letter-acknowledge": "employee",
        }[url_name]
        # Not seen: 404; seen but not the named party: 403; the named party: done (302).
        refused = dict.fromkeys(seeing(VISIBLE, which) - {allowed, "anonymous"}, 403)
        assert response.status_code == expect({allowed}, ok=302, **refused)[role]
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        if url_name == "letter-sign":
            assert (target.status == LetterStatus.AWAITING_ISSUER) == (role == allowed)
        if url_name == "letter-acknowledge":
            assert (target.acknowledged_at is not None) == (role == allowed)

    @pytest.mark.parametrize("role", CAST)
    def test_only_the_issuing_side_issues_and_amends(
        self, cast: Cast, letters: Letters, role: str
    ) -> None:
        scorecard = letters.engineering.scorecard
        amend = cast.client(role).post(
            reverse("scorecard-amend", args=[scorecard.pk]), {"reason": "Reorg"}
        )
        scorecard.refresh_from_db()
        # The manager sees its unit's scorecard but is the signing side, not the issuing one.
        assert amend.status_code == expect({"hr", "executive"}, ok=302, manager=403)[role]
        if role in ("hr", "executive"):
            assert scorecard.status == ScorecardStatus.DRAFT
        else:
            assert scorecard.locked

    def test_an_old_version_renders_from_its_snapshot_not_from_live_data(
        self, cast: Cast, letters: Letters
    ) -> None:
        letter = letters.engineering
        item = letter.scorecard.items.filter(kind="quantitative").get()
        type(item).objects.filter(pk=item.pk).update(name="Renamed since")
        page = cast.client("hr").get(reverse("letter-detail", args=[letter.pk]))
        assert item.name.encode() in page.content
        assert b"Renamed since" not in page.content

    def test_api_letter_list_holds_exactly_the_letters_in_scope(
        self, cast: Cast, letters: Letters
    ) -> None:
        responses = assert_scoped(cast, "/api/v1/letters/", expect(MEMBERS, anonymous=API))
        for role in MEMBERS:
            listed = {row["id"] for row in responses[role].json()["results"]}
            assert listed == _ids(letters, VISIBLE[role]), role

    @pytest.mark.parametrize("which", sorted(ALL))
    def test_api_letter_detail_is_404_outside_scope(
        self, cast: Cast, letters: Letters, which: str
    ) -> None:
        url = f"/api/v1/letters/{getattr(letters, which).pk}/"
        assert_scoped(cast, url, expect(seeing(VISIBLE, which), anonymous=API))


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
    from spm import pdf_fonts as pdf
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


# --- API -------------------------------------------------------------------------------


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
    assert again.status_code == 409  # signed already: the state refuses (WrongState)
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
    assert response.status_code == 400 and "scorecard" in response.json()["fields"]


# --- Query counts ------------------------------------------------------------------------
# Queries of any signed-in request: session, user, scope (role assignments and employee
# record in one statement).
PAGE_BASE = 3
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
