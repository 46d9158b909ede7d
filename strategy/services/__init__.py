"""Writes to the strategy (HackSoft style): keyword-only, one transaction each, validated
with ``full_clean()`` and checked against the actor's scope. Split by concept; import
them from here.
"""

from strategy.services.content import (
    perspective_create,
    perspective_delete,
    perspective_move,
    perspective_update,
    strategy_create,
    strategy_delete,
    strategy_update,
    theme_create,
    theme_delete,
    theme_update,
)
from strategy.services.objectives import (
    link_create,
    link_delete,
    link_update,
    objective_create,
    objective_delete,
    objective_update,
)
from strategy.services.plans import (
    default_perspectives,
    plan_approve,
    plan_create,
    plan_delete,
    plan_new_version,
    plan_update,
)

__all__ = [
    "default_perspectives",
    "link_create",
    "link_delete",
    "link_update",
    "objective_create",
    "objective_delete",
    "objective_update",
    "perspective_create",
    "perspective_delete",
    "perspective_move",
    "perspective_update",
    "plan_approve",
    "plan_create",
    "plan_delete",
    "plan_new_version",
    "plan_update",
    "strategy_create",
    "strategy_delete",
    "strategy_update",
    "theme_create",
    "theme_delete",
    "theme_update",
]
