"""Load test: 50 simulated people against gunicorn on PostgreSQL, and the ceiling.

    python -m benchmarks.load.run --keep /work/benchdata/pg100k [--employees 100000]
                                  [--users 50] [--seconds 60] [--ceiling-seconds 20] [--no-think]

Starts PostgreSQL on the kept data directory (generating the group first if the directory
is new: give a new directory after a change of schema), signs the cast in (sessions written
straight into the database: 30 employees, 12 team managers, 5 HR, 3 executives over the
whole group), starts gunicorn with the compose file's settings (``--workers 3 --timeout 60
--access-logfile -``, ``SPM_DEBUG=0``) on a free loopback port, then runs Locust headless
twice against it — the people's mix for ``--seconds``, then a trivial view (the favicon
redirect) for ``--ceiling-seconds`` as the ceiling of the same server — and prints one
Markdown table: requests, requests/s, median, p95 and errors per endpoint. Like compose,
Redis and a Celery worker (``--concurrency=2``) run beside gunicorn, so the light-up sweep an
entered actual enqueues runs in the worker; the tasks still queued when the mix ends are
counted, and the server and worker logs are kept in ``<keep>/logs``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.postgres import kept_postgres
from tests.harness import ROOT, Redis, free_port, wait_for_port

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
COUNTS = {"employee": 30, "manager": 12, "HR": 5, "executive": 3}


def sign_in(user: Any) -> str:
    """A session for ``user``, as ``login`` would store it; returns the session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that loads users back (axes' backend only guards logins).
    session[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    return str(session.session_key)


def cast(prefix: str) -> dict[str, list[dict[str, Any]]]:
    """Who plays: people of the generated group with the ids their pages need."""
    from org.models import Employee, OrgUnit, RoleAssignment
    from scorecard.demo.scorecards_data import demo_period
    from scorecard.models import ItemKind, Scorecard, ScorecardItem
    from spm.clock import clock

    today = clock().today()
    # The generated year (last month's: in January, last year's) and the month people enter:
    # this month, or in January the last month of that year.
    year, _last = demo_period(today)
    month = today.month if today.year == year else 12
    group = OrgUnit.objects.get(code=f"{prefix}-GRP")
    staff = (
        Employee.objects.filter(unit__kind="team", user__isnull=False)
        .exclude(job_title="Head of unit")
        .order_by("pk")
    )
    people: dict[str, list[dict[str, Any]]] = {role: [] for role in COUNTS}
    for employee in staff[: COUNTS["employee"] * 50 : 50]:  # spread over the group
        card = Scorecard.objects.filter(employee=employee, year=year).first()
        if card is None:
            continue
        items = list(
            ScorecardItem.objects.filter(scorecard=card, kind=ItemKind.QUANTITATIVE)
            .order_by("order")
            .values_list("pk", flat=True)
        )
        people["employee"].append(
            {"session": sign_in(employee.user), "card": card.pk, "items": items, "month": month}
        )
    teams = OrgUnit.objects.filter(kind="team", head__isnull=False).order_by("pk")
    for team in teams[: COUNTS["manager"] * 20 : 20]:
        head = Employee.objects.get(pk=team.head_id)
        people["manager"].append({"session": sign_in(head.user), "unit": team.pk})
    departments = Employee.objects.filter(unit__kind="department").order_by("pk")
    wanted = COUNTS["HR"] + COUNTS["executive"]
    for n, person in enumerate(departments[:wanted]):
        role = "hr" if n < COUNTS["HR"] else "executive"
        RoleAssignment.objects.get_or_create(user=person.user, role=role, unit=group)
        people["HR" if role == "hr" else "executive"].append({"session": sign_in(person.user)})
    return people


def locust(host: str, users: int, seconds: int, classes: list[str], csv_prefix: Path,
           env: dict[str, str]) -> None:  # fmt: skip
    command = [
        sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
        "--headless", "--users", str(users), "--spawn-rate", str(users), "--run-time",
        f"{seconds}s", "--host", host, "--csv", str(csv_prefix), "--only-summary",
        "--loglevel", "WARNING", "--stop-timeout", "60", *classes,
    ]  # fmt: skip
    # Locust exits 1 when any request failed: the table reports the failures. At the end the
    # requests in flight finish and are counted (``--stop-timeout``): the slowest are the
    # ones a cut-off would drop.
    subprocess.run(command, check=False, env=env, cwd=ROOT)


@contextlib.contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[None]:
    """A server process with its output in ``log``; terminated at the end."""
    with open(log, "wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield
        finally:
            child.terminate()
            try:
                child.wait(30)
            except subprocess.TimeoutExpired:
                child.kill()


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server not found: the load test runs a Celery worker like compose")
    redis = Redis(binary, workdir)
    try:
        yield redis.start()
    finally:
        redis.stop()


def warm_up(host: str, timeout: float = 180.0) -> None:
    """Wait until the workers answer (they import Django after the port opens)."""
    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 6:
        try:
            with urllib.request.urlopen(f"{host}/health/", timeout=30) as response:  # noqa: S310 - loopback http
                answered += response.status == 200
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def queued(redis_url: str) -> int:
    """Tasks waiting in Celery's default queue (a worker that falls behind the mix)."""
    import redis

    return int(redis.Redis.from_url(redis_url).llen("celery"))


def rows(csv_path: Path) -> list[dict[str, str]]:
    with open(csv_path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def table(mix: list[dict[str, str]], ceiling: list[dict[str, str]]) -> str:
    lines = [
        "| endpoint | requests | requests/s | median | p95 | errors |",
        "|---|---|---|---|---|---|",
    ]
    for row in [*mix, *ceiling]:
        name = "**all of the mix**" if row["Name"] == "Aggregated" else row["Name"]
        if row["Name"] == "Aggregated" and row in ceiling:
            continue
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {float(row['Requests/s']):.1f} "
            f"| {float(row['Median Response Time']):,.0f} ms | {float(row['95%']):,.0f} ms "
            f"| {row['Failure Count']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, required=True, help="kept PostgreSQL directory")
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=sum(COUNTS.values()))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ceiling-seconds", type=int, default=20)
    parser.add_argument("--no-think", action="store_true", help="no pause between clicks")
    args = parser.parse_args(argv)
    secret = secrets.token_urlsafe(40)
    os.environ.update(SPM_DEBUG="0", SPM_SECRET_KEY=secret, SPM_SECURE_SSL_REDIRECT="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    with contextlib.ExitStack() as stack:
        url, fresh = stack.enter_context(kept_postgres(args.keep.resolve()))
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="spm-load-"))
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from benchmarks.run import populate

        generated = populate(args.employees, args.keep, fresh=fresh)
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            # The manifest SPM_DEBUG=0 pages need, without whitenoise's brotli pass (minutes).
            settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
            call_command("collectstatic", interactive=False, verbosity=0)
        cast_file = Path(tmp) / "cast.json"
        cast_file.write_text(json.dumps(cast("BENCH")))
        port = free_port()
        logs = Path(tmp)
        redis = stack.enter_context(redis_server(logs))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": redis,
            "SPM_ALLOWED_HOSTS": "127.0.0.1",
            "SPM_LOAD_CAST": str(cast_file),
            "SPM_LOAD_THINK": "0" if args.no_think else "1",
        }
        # docker-compose.yml's web and worker commands, on loopback.
        stack.enter_context(process(
            [sys.executable, "-m", "celery", "-A", "spm", "worker", "--loglevel=WARNING",
             "--concurrency=2"], env, logs / "worker.log"))  # fmt: skip
        web = [sys.executable, "-m", "gunicorn", "spm.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", "3", "--timeout", "60",
               "--access-logfile", "-"]  # fmt: skip
        stack.enter_context(process(web, env, logs / "web.log"))
        wait_for_port(port, 60)
        host = f"http://127.0.0.1:{port}"
        warm_up(host)
        locust(host, args.users, args.seconds, ["Employee", "Manager", "HR", "Executive"],
               Path(tmp) / "mix", env)  # fmt: skip
        backlog = queued(redis)
        warm_up(host)  # the mix's queued requests drain before the ceiling is measured
        locust(host, args.users, args.ceiling_seconds, ["HealthUser"], Path(tmp) / "top", env)
        mix, ceiling = rows(Path(tmp) / "mix_stats.csv"), rows(Path(tmp) / "top_stats.csv")
        kept = args.keep / "logs"
        kept.mkdir(exist_ok=True)
        for log in ("web.log", "worker.log"):
            shutil.copy(logs / log, kept / log)
        total = next(r for r in mix if r["Name"] == "Aggregated")
        top = next(r for r in ceiling if r["Name"] == "Aggregated")
        share = float(total["Requests/s"]) / max(float(top["Requests/s"]), 0.001)
        print(
            f"\nLocust {args.users} users ({', '.join(f'{n} {r}' for r, n in COUNTS.items())}), "
            f"{'no think time' if args.no_think else '0.5 to 1.5 s think time'}, {args.seconds} s; "
            f"gunicorn 3 workers, PostgreSQL, {args.employees} employees ({generated}); "
            f"ceiling: a trivial view for {args.ceiling_seconds} s; load average "
            f"{os.getloadavg()[0]:.1f}:\n"
        )
        print(table(mix, ceiling))
        print(f"\nThroughput of the mix: {share:.1%} of the ceiling.")
        print(f"Celery tasks still queued when the mix ended: {backlog}.")


if __name__ == "__main__":
    main(sys.argv[1:])
