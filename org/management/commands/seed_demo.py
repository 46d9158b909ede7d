"""Build (or top up) the demo enterprise. Safe to run any number of times."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand

from org.demo import DEMO_PASSWORD, LOGINS, seed_org

# Each app adds its part of the demo, in dependency order; a missing module is skipped.
SEEDS = (
    "strategy.demo",
    "scorecard.demo",
    "scorecard.demo_tracking",
    "assessment.demo",
    "incentives.demo",
)


class Command(BaseCommand):
    help = "Seed the fictional Zhongneng Energy Group with one demo login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = seed_org()
        self.stdout.write(f"org: {len(demo.units)} units, logins {', '.join(sorted(demo.logins))}")
        for name in SEEDS:
            try:
                module = import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            summary = module.seed(demo)
            self.stdout.write(f"{name}: {summary}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, name, _unit, title, role in LOGINS:
            shown = role or ("manager" if username == "manager" else "employee")
            self.stdout.write(f"  {username:<10} {shown:<10} {name} — {title}")
