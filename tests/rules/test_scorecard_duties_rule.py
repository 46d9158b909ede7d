"""The separation-of-duties rule over goals (DESIGN §1): whose goals a card holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scorecard.rules.duties import sets_own_goals

ids = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@given(actor=ids, person=ids, head=ids)
def test_the_rule_owns_a_personal_card_by_its_person_and_a_unit_card_by_its_head(
    actor: int | None, person: int | None, head: int | None
) -> None:
    owns = sets_own_goals(actor, card_employee_id=person, card_unit_head_id=head)
    if actor is None:
        assert not owns  # a system job or an account without an employee record
    elif person is not None:
        assert owns == (person == actor)  # the unit's head is not asked about a person's card
    else:
        assert owns == (head == actor)
