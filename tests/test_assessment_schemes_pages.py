"""HR's scheme pages: the list and the edit form that saves a new version, against the
whole role cast; validation messages in English and Chinese; a past cycle keeps its
snapshot; an edit of a superseded version is refused; constant query counts."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.urls import reverse

from assessment.forms import SchemeForm
from assessment.models import AssessmentScheme
from assessment.services.schemes import scheme_create
from tests.access import assert_scoped, expect
from tests.conftest import Cast
from tests.factories_assessment import annual_cycle, group_scheme

NAV = 1  # the inbox's unread count in the navigation


def form_data(scheme: AssessmentScheme, **changes: Any) -> dict[str, Any]:
    data = {k: "" if v is None else str(v) for k, v in SchemeForm.initial_of(scheme).items()}
    return data | {k: str(v) for k, v in changes.items()}


def test_scheme_list_shows_schemes_to_readers_and_edit_links_to_hr_only(cast: Cast) -> None:
    scheme = group_scheme(cast)
    edit = reverse("assessment-scheme-edit", args=[scheme.pk])
    pages = assert_scoped(cast, reverse("assessment-schemes"), expect(set(CASTED)))
    # The group's scheme belongs to the group: HR and executives over it read it; a
    # manager of a unit below (and an employee) does not.
    shown = [r for r in CASTED if scheme.name in pages[r].content.decode()]
    assert shown == ["hr", "executive"]
    assert [r for r in CASTED if edit in pages[r].content.decode()] == ["hr"]


CASTED = ("employee", "manager", "sibling_manager", "hr", "executive")


def test_scheme_edit_page_is_hr_only_and_404_elsewhere(cast: Cast) -> None:
    scheme = group_scheme(cast)
    url = reverse("assessment-scheme-edit", args=[scheme.pk])
    assert_scoped(cast, url, expect({"hr"}))
    assert_scoped(
        cast, url, expect({"hr"}, ok=302), method="post", data=form_data(scheme, bonus_cap=5)
    )


def test_saving_writes_a_new_version_and_the_open_cycle_keeps_its_snapshot(cast: Cast) -> None:
    cycle = annual_cycle(cast)
    client = cast.client("hr")
    url = reverse("assessment-scheme-edit", args=[cycle.scheme.pk])
    answer = client.post(url, form_data(cycle.scheme, bonus_cap=5, min_excellent=96), follow=True)
    assert answer.status_code == 200
    assert "Saved as version 2" in answer.content.decode()
    revised = AssessmentScheme.objects.get(code=cycle.scheme.code, current=True)
    assert (revised.version, revised.bonus_cap) == (2, D(5))
    assert revised.rules.grade_table[0].min_score == D(96)
    assert revised.rules.key_task_points == cycle.scheme.rules.key_task_points
    cycle.refresh_from_db()
    assert cycle.rules.bonus_cap == D(10)
    assert cycle.rules.grade_table[0].min_score == D(95)


def test_superseded_version_is_refused_as_stale(cast: Cast) -> None:
    scheme = group_scheme(cast)
    client = cast.client("hr")
    url = reverse("assessment-scheme-edit", args=[scheme.pk])
    assert client.post(url, form_data(scheme, bonus_cap=5)).status_code == 302
    again = client.post(url, form_data(scheme, bonus_cap=7))
    assert again.status_code == 409
    assert "changed by someone else" in again.content.decode()
    assert AssessmentScheme.objects.filter(code=scheme.code).count() == 2


@pytest.mark.parametrize(
    ("language", "field_message", "table_message"),
    [
        ("en", "Ensure this value is less than or equal to 1.", "falling minimum scores"),
        ("zh-hans", "确保该值小于或等于1。", "最低分"),
    ],
)
def test_invalid_values_explain_themselves_in_the_readers_language(
    cast: Cast, language: str, field_message: str, table_message: str
) -> None:
    scheme = group_scheme(cast)
    client = cast.client("hr")
    client.cookies["django_language"] = language
    url = reverse("assessment-scheme-edit", args=[scheme.pk])
    answer = client.post(url, form_data(scheme, qualitative_weight="1.5"))
    assert answer.status_code == 400
    assert field_message in answer.content.decode()
    answer = client.post(url, form_data(scheme, min_good=99))  # good above excellent
    assert answer.status_code == 400
    assert table_message in answer.content.decode()
    assert AssessmentScheme.objects.filter(code=scheme.code).count() == 1


@pytest.mark.parametrize("size", [1, 6])
def test_scheme_list_query_count_does_not_grow(
    cast: Cast, django_assert_num_queries: Any, size: int
) -> None:
    for n in range(size):
        scheme_create(actor=cast.hr.user, code=f"s{n}", name=f"Scheme {n}", owner_unit=cast.group)
    client = cast.client("hr")
    url = reverse("assessment-schemes")
    client.get(url)
    with django_assert_num_queries(4 + NAV):  # the same for one scheme and for six
        assert client.get(url).status_code == 200
