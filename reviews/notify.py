"""What people hear about reviews, feedback, interviews, appeals and plans (rendered in the
reader's language). No message about a 360° review names a reviewer to anyone: the params
carry the reviewee's name and the cycle only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from notifications.messages import register_message
from notifications.services import notification_send
from org.models import Employee

FEEDBACK = "reviews.feedback"
INTERVIEW_SCHEDULED = "reviews.interview_scheduled"
INTERVIEW_RECORDED = "reviews.interview_recorded"
APPEAL_SUBMITTED = "reviews.appeal_submitted"
APPEAL_DECIDED = "reviews.appeal_decided"
PLAN_ACTION = "reviews.plan_action"
REVIEW_ASKED = "reviews.review_asked"


def users_of(employee_ids: Iterable[int | None], *, besides: int | None = None) -> list[int]:
    """The user ids of the given employees (one query), without ``besides`` (a user id)."""
    wanted = {pk for pk in employee_ids if pk is not None}
    if not wanted:
        return []
    users = Employee.objects.filter(pk__in=wanted, active=True).values_list("user_id", flat=True)
    return sorted({u for u in users if u is not None and u != besides})


def send(kind: str, employee_ids: Iterable[int | None], params: dict[str, Any], *,
         link: str, besides: int | None = None, dedupe_key: str | None = None) -> None:  # fmt: skip
    recipients = users_of(employee_ids, besides=besides)
    if recipients:
        notification_send(
            recipients=recipients, kind=kind, params=params, link=link, dedupe_key=dedupe_key
        )


def hr_users_over(unit_path: str) -> list[int]:
    """The users holding the HR role over the unit at ``unit_path`` (one query)."""
    from org.models import RoleAssignment
    from org.scoping import HR

    prefixes = [unit_path[:i] for i in range(1, len(unit_path) + 1)]
    return sorted(
        set(
            RoleAssignment.objects.filter(
                role=HR, unit__active=True, unit__path__in=prefixes
            ).values_list("user_id", flat=True)
        )
    )


def _feedback(p: Mapping[str, Any]) -> tuple[str, str]:
    return (
        _("Feedback from %(author)s: %(subject)s") % p,
        _("%(author)s wrote in “%(subject)s”.") % p,
    )


def _interview_scheduled(p: Mapping[str, Any]) -> tuple[str, str]:
    return (
        _("Performance interview on %(when)s") % p,
        _("%(manager)s scheduled your performance interview for %(when)s.") % p,
    )


def _interview_recorded(p: Mapping[str, Any]) -> tuple[str, str]:
    return (
        _("Please acknowledge your performance interview") % p,
        _("The record of the performance interview of %(employee)s is ready to acknowledge.") % p,
    )


def _appeal_submitted(p: Mapping[str, Any]) -> tuple[str, str]:
    return (
        _("Appeal by %(employee)s against %(cycle)s") % p,
        _("%(employee)s appealed their result of %(cycle)s (the window closed %(deadline)s).") % p,
    )


def _appeal_decided(params: Mapping[str, Any]) -> tuple[str, str]:
    from reviews.models import AppealStatus

    status = params.get("status", "")
    label = AppealStatus(status).label if status in AppealStatus.values else status
    p = {**params, "status": label}
    return (
        _("Your appeal against %(cycle)s: %(status)s") % p,
        _("Your appeal against %(cycle)s was decided: %(status)s.") % p,
    )


def _plan_action(p: Mapping[str, Any]) -> tuple[str, str]:
    return (
        _("Improvement action for you: %(action)s") % p,
        _("You own the action “%(action)s” of the plan “%(plan)s”, due %(due)s.") % p,
    )


def _review_asked(p: Mapping[str, Any]) -> tuple[str, str]:
    return (
        _("You are asked to review %(employee)s") % p,
        _("Please give your review of %(employee)s for %(cycle)s.") % p,
    )


def register() -> None:
    register_message(FEEDBACK, _feedback)
    register_message(INTERVIEW_SCHEDULED, _interview_scheduled)
    register_message(INTERVIEW_RECORDED, _interview_recorded)
    register_message(APPEAL_SUBMITTED, _appeal_submitted)
    register_message(APPEAL_DECIDED, _appeal_decided)
    register_message(PLAN_ACTION, _plan_action)
    register_message(REVIEW_ASKED, _review_asked)
