"""Build (or top up) the demo enterprise. Safe to run any number of times."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from org.demo import DEMO_PASSWORD, LOGINS, seed_org
from spm import registry
from spm.clock import clock


class Command(BaseCommand):
    help = "Seed the fictional Zhongneng Energy Group with one demo login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = seed_org(today=clock().today())
        logins = ", ".join(sorted(demo.logins))
        self.stdout.write(f"demo day {demo.today}; org: {len(demo.units)} units, logins {logins}")
        # Each app adds its part of the demo, in dependency order (registered in ready()).
        for name, seed in registry.demo_seeders.items():
            self.stdout.write(f"{name}: {seed(demo)}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for username, name, _unit, title, role in LOGINS:
            shown = role or ("manager" if username == "manager" else "employee")
            self.stdout.write(f"  {username:<10} {shown:<10} {name} — {title}")
