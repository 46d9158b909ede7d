"""Cells of the people-side operations: reviews, incidents, feedback, interviews, appeals
and improvement plans (see ``cells.py`` for the notation). The annual cycle is published,
so a review can no longer be answered (409)."""

from __future__ import annotations

from typing import Any

from tests.matrix.cells import Cell, annual, person, pk, row, version
from tests.matrix.world import YEAR, Matrix

SCORES = {"integrity": "80", "synergy": "80", "systematicness": "80"}


def _scheme(m: Matrix, side: str) -> tuple[Any, ...]:
    return (m.annual.scheme_id,)


def _anchor_row(m: Matrix) -> Any:
    from reviews.models import BarsAnchor

    return BarsAnchor.objects.get(scheme_id=m.annual.scheme_id)


def _anchor(m: Matrix, side: str) -> tuple[Any, ...]:
    return (_anchor_row(m).pk,)


def _policy(m: Matrix, side: str) -> dict[str, Any]:
    from reviews.models import ReviewPolicy

    stored = ReviewPolicy.objects.get(scheme_id=m.annual.scheme_id)
    return {"scheme": m.annual.scheme_id, "hr_reads_answers": True, "version": stored.version}


def _about(**extra: Any) -> Any:
    return lambda m, side: {"employee": person(m, side).pk, **extra}


def _action(m: Matrix, side: str) -> tuple[Any, ...]:
    return (m.rows[side].extra["plan"].pk, m.rows[side].extra["action"].pk)


R = "/api/v1/result-reviews/{id}/"
CELLS = [
    # a review is its reviewer's; who reviews a result is HR's to arrange
    Cell("get", "/api/v1/reviews/{id}/", "200 404 404 404 404", pk("self_review")),
    Cell(
        "post",
        "/api/v1/reviews/{id}/submit/",
        "409 404 404 404 404",
        pk("self_review"),
        lambda m, s: {**SCORES, **version("self_review")(m, s)},
    ),
    Cell("get", R, "200 200 404 200 200", annual),
    Cell("get", R + "answers/", "404 404 404 404 404", annual),  # the policy is off
    Cell("get", R + "completion/", "404 404 404 200 404", annual),
    Cell("get", R + "reviewers/", "404 404 404 200 404", annual),
    Cell("post", R + "suggest/", "404 404 404 409 404", annual),
    Cell(
        "post",
        R + "assign/",
        "404 404 404 409 404",
        annual,
        lambda m, s: {"reviewer": m.world.cast.executive.pk, "kind": "peer"},
    ),
    Cell(
        "post",
        R + "withdraw/",
        "404 404 404 409 404",
        annual,
        lambda m, s: {"review": m.rows[s].extra["review"].pk, **version("review")(m, s)},
    ),
    # the scheme's anchors and review policy are HR's
    Cell(
        "post",
        "/api/v1/bars-anchors/",
        "400 400 400 201 404",
        lambda m, s: (),
        lambda m, s: {
            "scheme": m.annual.scheme_id,
            "behaviour": "synergy",
            "level": 4,
            "description": "Shares the load",
        },
        mirrored=False,
    ),
    Cell(
        "delete",
        "/api/v1/bars-anchors/{id}/",
        "404 404 404 204 403",
        _anchor,
        mirrored=False,
        versioned=lambda m, s: _anchor_row(m),
    ),
    Cell(
        "post",
        "/api/v1/review-policies/",
        "400 400 400 201 404",
        body=_policy,
        mirrored=False,
    ),
    # incidents: the line manager's notes, read by HR; never by the person
    Cell("get", "/api/v1/critical-incidents/{id}/", "404 200 404 200 404", pk("incident")),
    Cell(
        "post",
        "/api/v1/critical-incidents/",
        "403 201 400 403 403",
        outside=400,
        body=_about(occurred_on=f"{YEAR}-12-01", kind="negative", description="Late"),
    ),
    Cell(
        "post",
        "/api/v1/critical-incidents/{id}/correct/",
        "404 200 404 403 404",
        pk("incident"),
        lambda m, s: {
            "occurred_on": f"{YEAR}-11-03",
            "kind": "positive",
            "description": "Calm",
            **version("incident")(m, s),
        },
    ),
    Cell(
        "delete",
        "/api/v1/critical-incidents/{id}/",
        "404 204 404 403 404",
        pk("incident"),
        versioned=lambda m, s: m.rows[s].extra["incident"],
    ),
    # feedback: the person and their manager
    Cell("get", "/api/v1/feedback-threads/{id}/", "200 200 404 404 404", pk("thread")),
    # ad-hoc feedback goes to colleagues of one's own, parent, sibling and child units
    Cell(
        "post",
        "/api/v1/feedback-threads/",
        "404 201 201 201 201",
        finance="201 201 201 201 201",
        body=_about(topic="adhoc", subject="Next year", body="Shall we talk?"),
    ),
    Cell(
        "post",
        "/api/v1/feedback-threads/{id}/reply/",
        "200 200 404 404 404",
        pk("thread"),
        lambda m, s: {"body": "Yes"},
    ),
    # interviews: held by the line manager, acknowledged by the person, read by HR
    Cell("get", "/api/v1/interviews/{id}/", "200 200 404 200 404", pk("interview")),
    Cell(
        "post",
        "/api/v1/interviews/",
        "403 201 400 403 403",
        outside=400,
        body=_about(scheduled_for=f"{YEAR + 1}-02-01T10:00:00Z"),
    ),
    Cell(
        "post",
        "/api/v1/interviews/{id}/acknowledge/",
        "200 200 404 403 404",
        pk("interview"),
        version("interview"),
    ),
    Cell(
        "post",
        "/api/v1/interviews/{id}/record/",
        "404 200 404 404 404",
        pk("interview"),
        lambda m, s: {"strengths": "Calm", **version("interview")(m, s)},
    ),
    # appeals: lodged by the person, handled by HR
    Cell("get", "/api/v1/appeals/{id}/", "200 200 404 200 404", pk("appeal")),
    Cell(
        "post",
        "/api/v1/appeals/",
        "409 403 400 403 403",
        outside=400,  # one open per result: the state refuses a second (409)
        body=lambda m, s: {"result": m.rows[s].annual.pk, "reason": "Again"},
    ),
    Cell(
        "post",
        "/api/v1/appeals/{id}/review/",
        "404 404 404 200 404",
        pk("appeal"),
        version("appeal"),
    ),
    Cell(
        "post",
        "/api/v1/appeals/{id}/decide/",
        "404 404 404 409 404",  # not under review yet: the state refuses (409)
        pk("appeal"),
        lambda m, s: {"change": False, "note": "Stands", **version("appeal")(m, s)},
    ),
    # improvement plans: the line manager's, with the person
    Cell("get", "/api/v1/improvement-plans/{id}/", "200 200 404 200 404", pk("plan")),
    Cell(
        "post",
        "/api/v1/improvement-plans/",
        "403 201 400 201 404",  # one's own plan is the next level up's: 403
        outside=400,
        body=lambda m, s: {
            **_about(year=YEAR + 1, title="Safety")(m, s),
            "unit": person(m, s).unit_id,
        },
    ),
    Cell(
        "post",
        "/api/v1/improvement-plans/{id}/actions/",
        "404 200 404 200 404",
        pk("plan"),
        lambda m, s: {
            "description": "Drill",
            "owner": person(m, s).pk,
            "due_on": f"{YEAR + 1}-04-30",
        },
    ),
    Cell(
        "post",
        "/api/v1/improvement-plans/{id}/actions/{action_id}/stage/",
        "200 200 404 200 404",
        _action,
        lambda m, s: {"stage": "do", "version": row(m, s, "action").version},
    ),
    Cell(
        "post",
        "/api/v1/improvement-plans/{id}/close/",
        "404 200 404 200 404",
        pk("plan"),
        version("plan"),
    ),
    Cell("post", "/api/v1/improvement-plans/{id}/seed/", "404 201 404 201 404", pk("plan")),
]
