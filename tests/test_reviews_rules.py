"""The pure rules of the 360° review: the qualitative part is the mean of the answers, and
no group of fewer than three answers is shown on its own."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reviews import rules

D = Decimal
scores = st.integers(min_value=0, max_value=100).map(Decimal)
kinds = st.sampled_from([rules.SELF, rules.SUPERIOR, rules.PEER, rules.SUBORDINATE])
answers = st.lists(st.builds(rules.Answer, kinds, scores, scores, scores), max_size=12)


def answer(kind: str, value: int) -> rules.Answer:
    return rules.Answer(kind, D(value), D(value), D(value))


def test_an_answers_score_is_the_mean_of_the_three_behaviours() -> None:
    assert rules.Answer(rules.PEER, D(90), D(80), D(70)).score == D(80)


def test_qualitative_part_is_the_mean_of_the_answers_without_the_self_assessment() -> None:
    given_ = [answer(rules.SELF, 100), answer(rules.SUPERIOR, 90), answer(rules.PEER, 70)]
    assert rules.qualitative_part(given_) == D(80)


def test_no_answers_means_no_qualitative_part() -> None:
    assert rules.qualitative_part([answer(rules.SELF, 90)]) is None


@given(answers)
def test_qualitative_part_lies_between_the_lowest_and_highest_answer(
    given_: list[rules.Answer],
) -> None:
    others = [a.score for a in given_ if a.kind != rules.SELF]
    part = rules.qualitative_part(given_)
    if not others:
        assert part is None
    else:
        assert part is not None and min(others) <= part <= max(others)


def test_two_peers_are_merged_with_the_subordinates_and_the_group_says_so() -> None:
    given_ = [answer(rules.PEER, 60)] * 2 + [answer(rules.SUBORDINATE, 90)] * 3
    [group] = rules.groups(given_)
    assert group.kinds == (rules.PEER, rules.SUBORDINATE)
    assert group.count == 5 and group.merged


def test_three_peers_stand_alone() -> None:
    given_ = [answer(rules.PEER, 60)] * 3 + [answer(rules.SUBORDINATE, 90)] * 3
    shown = rules.groups(given_)
    assert [(g.kinds, g.mean, g.merged) for g in shown] == [
        ((rules.PEER,), D(60), False),
        ((rules.SUBORDINATE,), D(90), False),
    ]


def test_fewer_than_three_answers_in_all_are_not_shown() -> None:
    [group] = rules.groups([answer(rules.PEER, 60), answer(rules.SUPERIOR, 90)])
    assert group.mean is None and group.count == 2


@given(answers)
def test_every_shown_group_holds_at_least_the_minimum(given_: list[rules.Answer]) -> None:
    shown = rules.groups(given_)
    assert all(g.count >= rules.MINIMUM for g in shown if g.mean is not None)
    counted = sum(g.count for g in shown)
    assert counted == sum(1 for a in given_ if a.kind != rules.SELF)


def test_the_appeal_window_runs_from_publishing_to_ten_days_later() -> None:
    published = date(2026, 7, 10)
    assert rules.appeal_deadline(published) == date(2026, 7, 20)
    assert rules.may_appeal(published, date(2026, 7, 20))
    assert not rules.may_appeal(published, date(2026, 7, 21))
    assert not rules.may_appeal(published, date(2026, 7, 9))
    assert not rules.may_appeal(None, date(2026, 7, 10))


@given(
    st.dates(max_value=date(2999, 1, 1)),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=90),
)
def test_may_appeal_exactly_within_the_window(published: date, window: int, later: int) -> None:
    today = published + timedelta(days=later)
    assert rules.may_appeal(published, today, window) == (later <= window)
