"""Separation of duties over goals (DESIGN §1): nobody sets their own goals.

A person's own goals are those of their personal scorecard and those of the scorecard of
the unit they head: a manager's unit card is set by the head of the parent unit (or HR, an
executive in scope), never by the manager. This is the one statement of the rule; the
services refuse with it (``scorecard.services.scorecards.require_not_own``) and the
selectors filter offer lists with its query form (``scorecard.selectors.duties``).
"""

from __future__ import annotations


def sets_own_goals(
    actor_employee_id: int | None,
    *,
    card_employee_id: int | None,
    card_unit_head_id: int | None,
) -> bool:
    """Whether the goals of a card (a person's, else its unit's) are the actor's own.

    An actor with no employee record (a system job, an administrator account) owns none.
    """
    if actor_employee_id is None:
        return False
    if card_employee_id is not None:
        return card_employee_id == actor_employee_id
    return card_unit_head_id == actor_employee_id
