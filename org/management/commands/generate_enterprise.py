"""Build a synthetic group of N employees with bulk inserts (for benchmarks)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from org.generate import generate_enterprise


class Command(BaseCommand):
    help = "Generate a synthetic enterprise of --employees people, in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, required=True)
        parser.add_argument("--prefix", default="SYN", help="Code prefix; must be unused.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["employees"] < 1:
            raise CommandError("--employees must be at least 1.")
        started = time.perf_counter()
        try:
            result = generate_enterprise(
                employees=options["employees"],
                prefix=options["prefix"],
                seed=options["seed"],
                progress=lambda line: self.stdout.write(line),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Generated {len(result.employee_ids)} employees in {len(result.unit_ids)} units "
            f"in {elapsed:.1f} s."
        )
