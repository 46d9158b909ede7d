"""The content of a responsibility letter: the scorecard as issued, as plain JSON.

Pages and PDFs render a letter from this snapshot, never from live rows, so every version
stays readable as it was signed. ``goals_fingerprint`` digests the goals; a signature is
refused when the live goals no longer match the fingerprint of the letter being signed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from org.models import Employee, OrgUnit
from scorecard.models import ItemKind, Milestone, Scorecard, ScorecardItem

SNAPSHOT_SCHEMA = 1


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _person(employee: Employee) -> dict[str, Any]:
    return {
        "id": employee.pk,
        "name": employee.name,
        "employee_no": employee.employee_no,
        "job_title": employee.job_title,
        "unit": employee.unit.name,
    }


def goal_rows(scorecard: Scorecard) -> list[dict[str, Any]]:
    """The scorecard's goals as a letter holds them: every item with its tiers, monthly
    plan and milestones (what ``goals_fingerprint`` digests)."""
    items = (
        ScorecardItem.objects.filter(scorecard=scorecard)
        .select_related("indicator", "objective", "parent")
        .prefetch_related(
            "milestones__responsible_unit", "milestones__counterpart_unit", "monthly_plans"
        )
        .order_by("order", "pk")
    )
    rows = []
    for item in items:
        rows.append(
            {
                "id": item.pk,
                "kind": item.kind,
                "name": item.name,
                "description": item.description,
                "weight": str(item.weight),
                "objective": str(item.objective) if item.objective_id else None,
                "indicator": (
                    {"code": item.indicator.code, "name": item.indicator.name}
                    if item.indicator_id
                    else None
                ),
                "decomposed_from": item.parent.name if item.parent_id else None,
                "polarity": item.polarity,
                "aggregation": item.aggregation,
                "unit_of_measure": item.unit_of_measure,
                **{name: _text(getattr(item, name)) for name in ScorecardItem.GOAL_FIELDS},
                "monthly_plans": {str(p.month): str(p.value) for p in item.monthly_plans.all()},
                "milestones": [_milestone(m) for m in item.milestones.all()],
            }
        )
    return rows


def _milestone(milestone: Milestone) -> dict[str, Any]:
    """A milestone as issued: every field an editor sets, units by name."""
    row: dict[str, Any] = {}
    for name in Milestone.EDITABLE_FIELDS:
        value = getattr(milestone, name)
        if isinstance(value, OrgUnit):
            row[name] = value.name
        elif isinstance(value, date):
            row[name] = value.isoformat()
        else:
            row[name] = value if isinstance(value, str | int) else _text(value)
    return row


def goals_fingerprint(items: list[dict[str, Any]]) -> str:
    """A digest of the goals as issued: any edit of an item, target or milestone changes it."""
    canonical = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def letter_snapshot(*, scorecard: Scorecard, signer: Employee, issuer: Employee) -> dict[str, Any]:
    """The content of a letter: the scorecard, its goals and both parties, as plain JSON."""
    items = goal_rows(scorecard)
    weight = sum(
        (Decimal(i["weight"]) for i in items if i["kind"] != ItemKind.KEY_TASK), Decimal(0)
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "scorecard": {
            "id": scorecard.pk,
            "year": scorecard.year,
            "unit": {
                "id": scorecard.unit_id,
                "code": scorecard.unit.code,
                "name": scorecard.unit.name,
            },
            "employee": _person(scorecard.employee) if scorecard.employee is not None else None,
            "plan": str(scorecard.plan) if scorecard.plan_id else None,
        },
        "signer": _person(signer),
        "issuer": _person(issuer),
        "items": items,
        "total_weight": str(weight.quantize(Decimal("0.01"))),
        "fingerprint": goals_fingerprint(items),
    }
