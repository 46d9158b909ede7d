"""360° reviews through the services: suggestions from the line managers, HR adjusts, only
the reviewer answers, the mean flows into the engine, and the reviewee sees groups only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from assessment.models import AssessmentResult
from org.models import Employee
from reviews import rules, selectors
from reviews.models import Review
from reviews.services.reviews import review_assign, review_submit, reviews_suggest
from spm.errors import NotPermitted
from tests.conftest import Cast
from tests.factories import EmployeeFactory
from tests.factories_assessment import (
    annual_cycle,
    compute_now,
    result_of,
    worked_example_scorecard,
)

D = Decimal


def employee_result(cast: Cast) -> AssessmentResult:
    example = worked_example_scorecard(cast.employee)
    return result_of(annual_cycle(cast), example.scorecard)


def answer(who: Employee, result: AssessmentResult, value: int) -> Review:
    row = Review.objects.get(result=result, reviewer=who)
    return review_submit(
        actor=who.user,
        review=row,
        version=row.version,
        integrity=D(value),
        synergy=D(value),
        systematicness=D(value),
    )


def test_suggested_reviewers_are_self_line_manager_and_peers(cast: Cast) -> None:
    result = employee_result(cast)
    made = reviews_suggest(actor=cast.hr.user, result=result)
    assert {(r.reviewer_id, r.kind) for r in made} == {
        (cast.employee.pk, rules.SELF),
        (cast.manager.pk, rules.SUPERIOR),
        (cast.site_worker.pk, rules.PEER),
    }


def test_only_hr_suggests_reviewers(cast: Cast) -> None:
    result = employee_result(cast)
    for who, refusal in ((cast.employee, NotPermitted), (cast.manager, NotPermitted),
                         (cast.sibling_manager, Http404)):  # fmt: skip
        with pytest.raises(refusal):
            reviews_suggest(actor=who.user, result=result)


def test_hr_may_not_make_someone_else_write_the_self_assessment(cast: Cast) -> None:
    result = employee_result(cast)
    with pytest.raises(ValidationError):
        review_assign(actor=cast.hr.user, result=result, reviewer=cast.manager, kind=rules.SELF)


def test_only_the_reviewer_answers_their_review(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    row = Review.objects.get(result=result, reviewer=cast.site_worker)
    for who in (cast.employee, cast.manager, cast.hr, cast.sibling_manager):
        with pytest.raises(Http404):
            review_submit(
                actor=who.user,
                review=row,
                version=row.version,
                integrity=D(1),
                synergy=D(1),
                systematicness=D(1),
            )


def test_a_rating_above_100_is_refused(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    row = Review.objects.get(result=result, reviewer=cast.manager)
    with pytest.raises(ValidationError):
        review_submit(
            actor=cast.manager.user, review=row, version=row.version, integrity=D(101),
            synergy=D(1),
            systematicness=D(1),
        )  # fmt: skip


def test_the_reviews_mean_is_the_qualitative_part_in_the_engine_and_its_explanation(
    cast: Cast,
) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    answer(cast.employee, result, 100)  # the self-assessment does not count
    answer(cast.manager, result, 90)
    answer(cast.site_worker, result, 70)
    compute_now(result.cycle)
    result.refresh_from_db()
    assert result.qualitative_part == D(80)
    assert result.explanation["arithmetic"]["qualitative_part"] == "80"


def test_with_fewer_than_three_answers_the_reviewee_sees_no_group_mean(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    answer(cast.manager, result, 90)
    answer(cast.site_worker, result, 70)
    summary = selectors.review_summary(cast.employee.user, result.pk)
    [group] = summary.groups
    assert group.mean is None and group.merged


def test_two_peers_merge_with_the_superior_and_the_page_data_says_merged(cast: Cast) -> None:
    result = employee_result(cast)
    extra = EmployeeFactory.create(unit=cast.engineering, line_manager=cast.manager)
    reviews_suggest(actor=cast.hr.user, result=result)
    for who, value in ((cast.manager, 90), (cast.site_worker, 70), (extra, 50)):
        answer(who, result, value)
    summary = selectors.review_summary(cast.employee.user, result.pk)
    assert summary.merged
    assert [(g.kinds, g.count, g.mean) for g in summary.groups] == [
        ((rules.PEER, rules.SUPERIOR), 3, D(70))
    ]


def test_hr_sees_completion_counts_not_answers(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    answer(cast.site_worker, result, 70)
    assert selectors.completion(cast.hr.user, result.pk) == {
        rules.SELF: (1, 0),
        rules.SUPERIOR: (1, 0),
        rules.PEER: (1, 1),
    }


def test_an_answer_in_the_history_records_neither_reviewer_nor_who_saved(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    answer(cast.site_worker, result, 70)
    [entry] = Review.history.filter(history_type="~")
    assert entry.history_user_id is None
    assert not hasattr(entry, "reviewer_id")
    assert all(not hasattr(e, "reviewer_id") for e in Review.history.all())


def test_a_reviewee_lists_only_reviews_they_give(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    mine = list(selectors.my_reviews(cast.employee.user))
    assert [r.kind for r in mine] == [rules.SELF]


def test_hr_reaches_no_review_row_through_the_scope_only_counts_and_who_is_asked(
    cast: Cast,
) -> None:
    from org.scoping import CHANGE, VIEW

    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    answer(cast.site_worker, result, 70)
    for action in (VIEW, CHANGE):
        assert not Review.objects.restrict(cast.hr.user, action).exists()
        assert (
            not Review.objects.restrict(cast.manager.user, action)
            .exclude(reviewer=cast.manager)
            .exists()
        )
    slots = selectors.reviewers(cast.hr.user, result.pk)
    assert {(s.reviewer_id, s.kind, s.answered) for s in slots} == {
        (cast.employee.pk, rules.SELF, False),
        (cast.manager.pk, rules.SUPERIOR, False),
        (cast.site_worker.pk, rules.PEER, True),
    }
    assert not hasattr(slots[0], "integrity")


def test_only_hr_lists_who_is_asked(cast: Cast) -> None:
    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    for who in (cast.employee, cast.manager):
        assert selectors.reviewers(who.user, result.pk) == []
    with pytest.raises(Http404):
        selectors.reviewers(cast.sibling_manager.user, result.pk)


def test_hr_withdraws_an_unanswered_reviewer(cast: Cast) -> None:
    from reviews.services.reviews import review_remove

    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    row = Review.objects.get(result=result, reviewer=cast.site_worker)
    with pytest.raises(Http404):
        review_remove(actor=cast.manager.user, review=row, version=row.version)
    review_remove(actor=cast.hr.user, review=row, version=row.version)
    assert not Review.objects.filter(pk=row.pk).exists()


def test_each_asked_reviewer_is_told_whom_to_review_and_the_reviewee_is_not(cast: Cast) -> None:
    from notifications.models import Notification

    result = employee_result(cast)
    reviews_suggest(actor=cast.hr.user, result=result)
    reviews_suggest(actor=cast.hr.user, result=result)  # nobody is told twice
    told = Notification.objects.filter(kind="reviews.review_asked")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [cast.employee.user_id, cast.manager.user_id, cast.site_worker.user_id]
    )
    assert all(n.params == {"employee": "Employee Yi", "cycle": result.cycle.name} for n in told)
