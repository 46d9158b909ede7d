"""Build (or top up) the demo enterprise. Safe to run any number of times."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand

from org.demo import DEMO_PASSWORD, LOGINS, seed_org
from spm.nav import APPS


class Command(BaseCommand):
    help = "Seed the fictional Zhongneng Energy Group with one demo login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = seed_org()
        self.stdout.write(f"org: {len(demo.units)} units, logins {', '.join(sorted(demo.logins))}")
        for app in APPS[1:]:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            summary = module.seed(demo)
            self.stdout.write(f"{app}: {summary}")
        self.stdout.write("")
        self.stdout.write("Demo logins (password for all: %s)" % DEMO_PASSWORD)
        for username, name, _unit, title, role in LOGINS:
            shown = role or ("manager" if username == "manager" else "employee")
            self.stdout.write(f"  {username:<10} {shown:<10} {name} — {title}")
