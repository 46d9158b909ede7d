"""Cells of the assessment, incentives, light-up, notification and job operations (see
``cells.py`` for the notation)."""

from __future__ import annotations

from typing import Any

from tests.matrix.cells import Cell, annual, half, pk, version
from tests.matrix.world import YEAR, Matrix


def _cycle_body(m: Matrix, side: str) -> dict[str, Any]:
    cast = m.world.cast
    return {
        "name": "March", "kind": "monthly", "year": YEAR, "period": 3,
        "owner_unit": cast.group.pk, "root_units": [cast.group.pk], "scheme": m.annual.scheme_id,
    }  # fmt: skip


def _cycle(which: str) -> Any:
    return lambda m, side: (getattr(m, which).pk,)


def _proposal(**extra: Any) -> Any:
    return lambda m, side: {"result": m.rows[side].half.pk, "reason": "Storm", **extra}


def _decide(name: str) -> Any:
    return lambda m, side: {"approve": True, "note": "Agreed", **version(name)(m, side)}


def _fresh(found: Any) -> Any:
    return type(found).objects.get(pk=found.pk)


def _result_version(m: Matrix, side: str) -> dict[str, Any]:
    return {"version": _fresh(m.rows[side].half).version}


def _rating_version(m: Matrix, side: str) -> dict[str, Any]:
    """A change of the half result's rating names its version (the first rating none)."""
    from assessment.models import QualitativeRating

    rating = QualitativeRating.objects.filter(result=m.rows[side].half).first()
    return {} if rating is None else {"version": rating.version}


def _terms(m: Matrix, side: str) -> dict[str, Any]:
    return {"good": "1.3", "version": type(m.scheme).objects.get(pk=m.scheme.pk).version}


def _own(what: str, role: str) -> Any:
    return lambda m, side: (getattr(m, what)[role].pk,)


A = "/api/v1/assessment-"
CELLS = [
    # cycles: one of the group, read by everyone in it, run by HR
    Cell("get", A + "cycles/{id}/", "200 200 200 200 200", _cycle("annual"), mirrored=False),
    Cell("post", A + "cycles/", "400 400 400 201 404", body=_cycle_body, mirrored=False),
    Cell(
        "post",
        A + "cycles/{id}/advance/",
        "403 403 403 200 403",
        _cycle("half"),
        lambda m, s: {"to": "self_assessment", "version": m.half.version},
        mirrored=False,
    ),
    Cell("post", A + "cycles/{id}/compute/", "403 403 403 202 403", _cycle("half"), mirrored=False),
    # results: the person assessed, their line of management, HR and the executive
    Cell("get", A + "results/{id}/", "200 200 404 200 200", annual),
    Cell(
        "post",
        A + "results/{id}/acknowledge/",
        "200 403 404 403 403",
        annual,
        lambda m, s: {"version": _fresh(m.rows[s].annual).version},
    ),
    Cell(
        "post",
        A + "results/{id}/calibrate/",
        "403 403 404 403 409",
        half,  # not the calibration step yet: the cycle's state refuses (409)
        lambda m, s: {"grade": "good", "reason": "Calibrated", **_result_version(m, s)},
    ),
    Cell(
        "post",
        A + "results/{id}/rate/",
        "403 200 404 200 200",
        half,
        lambda m, s: {"rating": "85", "note": "Steady", **_rating_version(m, s)},
    ),
    Cell(
        "post",
        A + "results/{id}/self-assess/",
        "200 403 404 403 403",
        half,
        lambda m, s: {"text": "A good half year", **_result_version(m, s)},
    ),
    # key-task grades: set by the line manager
    Cell("get", "/api/v1/key-task-grades/{id}/", "200 200 404 200 200", pk("grade")),
    Cell(
        "post",
        "/api/v1/key-task-grades/",
        "403 201 400 201 201",
        outside=400,
        body=lambda m, s: {
            "result": m.rows[s].half.pk,
            "item": m.rows[s].key_task.pk,
            "grade": "good",
        },
    ),
    # proposals by the line manager, decided by HR (never by the proposer)
    Cell("get", A + "adjustments/{id}/", "200 200 404 200 200", pk("adjustment")),
    Cell(
        "post",
        A + "adjustments/",
        "403 201 400 201 201",
        outside=400,
        body=_proposal(kind="bonus", points="1"),
    ),
    Cell(
        "post",
        A + "adjustments/{id}/decide/",
        "403 403 404 200 200",
        pk("adjustment"),
        _decide("adjustment"),
    ),
    # separation of duties: HR proposed this one, so HR may not decide it (the executive may)
    Cell(
        "post",
        A + "adjustments/{id}/decide/",
        "403 403 404 403 200",  # who acts: 403
        pk("own_adjustment"),
        _decide("own_adjustment"),
    ),
    Cell("get", A + "vetoes/{id}/", "200 200 404 200 200", pk("veto")),
    Cell("post", A + "vetoes/", "403 201 400 201 201", outside=400, body=_proposal()),
    Cell("post", A + "vetoes/{id}/decide/", "403 403 404 403 200", pk("veto"), _decide("veto")),
    Cell("get", A + "exemptions/{id}/", "200 200 404 200 200", pk("exemption")),
    Cell(
        "post",
        A + "exemptions/",
        "403 201 400 201 201",
        outside=400,
        body=lambda m, s: {**_proposal()(m, s), "item": m.world.items[s].pk},
    ),
    Cell(
        "post",
        A + "exemptions/{id}/decide/",
        "403 403 404 403 200",
        pk("exemption"),
        _decide("exemption"),
    ),
    # incentives: the bonus terms are HR's and the executive's; a payout follows its result
    Cell(
        "get",
        "/api/v1/bonus-schemes/{id}/",
        "404 404 404 200 200",
        lambda m, s: (m.scheme.pk,),
        mirrored=False,
    ),
    Cell(
        "post",
        "/api/v1/bonus-schemes/{id}/revise/",
        "404 404 404 201 201",
        lambda m, s: (m.scheme.pk,),
        _terms,
        mirrored=False,
    ),
    Cell(
        "post",
        "/api/v1/bonus-schemes/{id}/what-if/",
        "404 404 404 202 202",
        lambda m, s: (m.scheme.pk,),
        lambda m, s: {"cycle": m.annual.pk, "good": "1.3"},
        mirrored=False,
    ),
    Cell("get", "/api/v1/payouts/{id}/", "200 200 404 200 200", pk("payout")),
    Cell(
        "get",
        "/api/v1/what-if-jobs/{id}/",
        "404 404 404 200 404",
        lambda m, s: (getattr(m.whatif, "pk", None),),
        mirrored=False,
    ),
    # light-up: statuses follow their scorecard; sweeps are HR's and the executive's
    Cell("get", "/api/v1/light-statuses/{id}/", "200 200 404 200 200", pk("light")),
    Cell(
        "post",
        "/api/v1/light-sweeps/",
        "403 403 403 202 202",
        body=lambda m, s: {"year": YEAR, "month": 1},
        mirrored=False,
    ),
    Cell("get", "/api/v1/light-statuses/forecasts/", "200 200 200 200 200", mirrored=False),
    Cell(
        "get",
        "/api/v1/payout-summary/",
        "404 200 200 200 200",
        mirrored=False,
        query="cycle={annual}",
    ),
    Cell(
        "get",
        "/api/v1/payout-summary/units/",
        "404 200 200 200 200",
        mirrored=False,
        query="cycle={annual}",
    ),
    Cell("get", "/api/v1/payouts/export-csv/", "200 200 200 200 200", mirrored=False),
    Cell("get", "/api/v1/payouts/export-xlsx/", "200 200 200 200 200", mirrored=False),
    Cell("post", "/api/v1/base-bonus-imports/", "404 404 404 415 404", mirrored=False),
    Cell("post", "/api/v1/notifications/read-all/", "200 200 200 200 200", mirrored=False),
    # a notification or a background import is its recipient's or starter's alone
    *(
        Cell(method, path, answers, _own(what, role), mirrored=False)
        for role, answers in (("manager", "404 200 404 404 404"), ("hr", "404 404 404 200 404"))
        for method, path, what in (
            ("get", "/api/v1/notifications/{id}/", "notes"),
            ("post", "/api/v1/notifications/{id}/read/", "notes"),
            ("get", "/api/v1/actual-imports/{id}/", "imports"),
        )
    ),
]
