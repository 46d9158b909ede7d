"""The small breaks a new user tripped over (issue 9, finding 5), each pinned down."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from scorecard.models import LetterStatus, ResponsibilityLetter
from scorecard.selectors.letters import letter_content
from scorecard.services.letters import letter_countersign, letter_issue, letter_sign
from tests.conftest import Cast
from tests.factories_tracking import employee_scorecard, unit_scorecard

pytestmark = pytest.mark.django_db


def test_an_employee_is_not_offered_an_alignment_page_they_cannot_open(cast: Cast) -> None:
    card = employee_scorecard(cast.employee)
    client = cast.client("employee")
    page = client.get(reverse("scorecard-detail", args=[card.pk])).content.decode()
    assert reverse("scorecard-alignment") not in page
    manager_page = cast.client("manager").get(reverse("scorecard-detail", args=[card.pk]))
    link = f"{reverse('scorecard-alignment')}?unit={card.unit_id}&amp;year={card.year}"
    assert link in manager_page.content.decode()
    assert cast.client("manager").get(link.replace("&amp;", "&")).status_code == 200


def test_the_directory_export_takes_the_live_filter_and_its_job_has_a_human_name(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    from openpyxl import load_workbook

    from spm.models import Job

    client = cast.client("hr")
    rows = client.get(reverse("employee-list"), {"q": "Worker"}, headers={"HX-Request": "true"})
    html = rows.content.decode()
    assert 'id="export-filters" hx-swap-oob="true"' in html
    assert '<input type="hidden" name="q" value="Worker">' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("employee-export"), {"q": "Worker", "unit": "", "job_title": ""})
    job = Job.objects.get()
    sheet = load_workbook(job.result_file.open("rb")).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Worker Wu"]
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "Directory export" in page and "employee_directory_export" not in page


def test_letter_items_are_numbered_within_their_section_in_order(cast: Cast) -> None:
    card = unit_scorecard(cast.engineering, quantitative=2)
    letter = letter_issue(actor=cast.executive.user, scorecard=card)
    content = letter_content(letter)
    assert [i["position"] for i in content["quantitative"]] == [1, 2]
    assert [i["position"] for i in content["milestone"]] == [1]


def test_a_personal_letter_says_the_same_next_step_on_card_button_and_badge(cast: Cast) -> None:
    card = employee_scorecard(cast.employee)
    letter = letter_issue(actor=cast.manager.user, scorecard=card)
    client = cast.client("employee")
    mine = {"year": card.year}  # the card's year, whatever year the clock is in
    targets = client.get(reverse("my-targets"), mine).content.decode()
    assert "Read and sign" in targets and "Read it and sign it." in targets
    assert "acknowledge" not in targets.lower()
    assert "Awaiting the employee&#x27;s signature" in targets
    detail = client.get(reverse("letter-detail", args=[letter.pk])).content.decode()
    assert "Awaiting the employee&#x27;s signature" in detail and "Sign the letter" in detail
    assert "unit head" not in detail
    letter_sign(actor=cast.employee.user, letter=letter)
    letter_countersign(actor=cast.manager.user, letter=letter)
    targets = client.get(reverse("my-targets"), mine).content.decode()
    assert "Read and acknowledge" in targets


def test_the_amendment_reason_is_typed_once_and_carried_to_the_next_version(cast: Cast) -> None:
    card = employee_scorecard(cast.employee)
    letter = letter_issue(actor=cast.manager.user, scorecard=card)
    letter_sign(actor=cast.employee.user, letter=letter)
    letter_countersign(actor=cast.manager.user, letter=letter)
    client = cast.client("manager")
    client.post(reverse("scorecard-amend", args=[card.pk]), {"reason": "New project added"})
    page = client.get(reverse("scorecard-letters", args=[card.pk]))
    assert page.context["issue_form"].initial["reason"] == "New project added"
    response = client.post(reverse("letter-issue", args=[card.pk]), {"reason": ""})
    assert response.status_code == 302
    latest = ResponsibilityLetter.objects.filter(scorecard=card).latest("version")
    assert (latest.version, latest.reason, latest.status) == (
        2,
        "New project added",
        LetterStatus.AWAITING_HEAD,
    )


def test_an_objective_edited_from_the_map_returns_to_the_map(cast: Cast) -> None:
    from strategy.models import PlanStatus
    from tests.factories_scorecard import ObjectiveFactory, PlanFactory

    plan = PlanFactory.create(owner_unit=cast.group, status=PlanStatus.DRAFT)
    objective = ObjectiveFactory.create(plan=plan)
    client = cast.client("executive")
    map_url = reverse("strategy-map", args=[plan.pk])
    panel = client.get(
        reverse("strategy-objective-detail", args=[objective.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{map_url}"},
    ).content.decode()
    edit = reverse("strategy-objective-edit", args=[objective.pk])
    assert f"{edit}?next={map_url}" in panel
    assert reverse("strategy-objective-detail", args=[objective.pk]) in panel  # "Open"
    data = {
        "perspective": objective.perspective_id,
        "code": objective.code,
        "name": "Grow profit faster",
        "owner_unit": objective.owner_unit_id,
    }
    response = client.post(f"{edit}?next={map_url}", data)
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == map_url
    elsewhere = client.post(f"{edit}?next=https://evil.example/", data)
    assert elsewhere["Location"] == reverse("strategy-plan-detail", args=[plan.pk])


def test_the_objective_page_has_no_open_button_leading_to_itself(cast: Cast) -> None:
    from tests.factories_scorecard import ObjectiveFactory, PlanFactory

    objective = ObjectiveFactory.create(plan=PlanFactory.create(owner_unit=cast.group))
    url = reverse("strategy-objective-detail", args=[objective.pk])
    page = cast.client("executive").get(url).content.decode()
    assert f'href="{url}"' not in page
