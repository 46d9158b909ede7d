"""Load test: 50 simulated people against gunicorn on PostgreSQL, and the ceilings.

    python -m benchmarks.load.run --keep /work/benchdata/pg100k [--employees 100000]
            [--users 50] [--seconds 60] [--ceiling-seconds 20] [--think both|yes|no]

Starts PostgreSQL on the kept data directory (generating the group first if the directory
is new: give a new directory after a change of schema), signs the cast in (sessions written
straight into the database: 30 employees, 12 team managers, 5 HR, 3 executives over the
whole group), starts gunicorn with docker-compose.yml's command (its workers, threads and
timeout; ``SPM_DEBUG=0``) on a free loopback port, and Redis and the compose file's Celery
worker beside it, so the light-up sweep an entered actual enqueues runs in the worker. Then
Locust runs headless against it, one run after the other on the same server:

1. the people's mix (``benchmarks/load/locustfile.py``) with 0.5-1.5 s of thinking between
   clicks, for ``--seconds``;
2. the same mix without thinking — what the server gives when every user clicks at once;
3. the ceilings, ``--ceiling-seconds`` each: the cheapest views of the server asked by the
   same number of users without thinking — signed in (the sign-in page redirecting them
   home: every middleware, the session and the user read as on every page, nothing else)
   and anonymous (the favicon redirect: every middleware, no query).

It prints one Markdown table a run — requests, requests/s, median, p95 and errors per
endpoint (named "<page> (<role>)": one row per page and role), with Locust's list of what
failed — the mix's throughput as a share of each ceiling, and for each run the CPU seconds
gunicorn (master and workers), PostgreSQL (the whole server), the Celery worker and Locust
used, the CPU milliseconds of gunicorn and PostgreSQL per request served, and the load
average before and after: on a shared machine the wall times wait for a core, and the CPU a
request is the figure to compare between runs. The tasks still queued when a mix ends are
counted; the server and worker logs are kept in ``<keep>/logs``. Locust is taken from this
interpreter, or from ``SPM_LOCUST`` (a ``locust`` executable in a virtualenv of its own).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import functools
import importlib.util
import json
import os
import resource
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from benchmarks.postgres import kept_postgres
from tests.harness import ROOT, Redis, free_port, wait_for_port

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
COUNTS = {"employee": 30, "manager": 12, "HR": 5, "executive": 3}
PER_REQUEST = ("gunicorn", "PostgreSQL")  # the servers whose CPU each request costs


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


def locust_command() -> list[str]:
    """Locust in this interpreter when installed here (``make bench-load``), else the one
    named by ``SPM_LOCUST`` (a Locust kept in a virtualenv of its own: with Locust comes
    brotli, and with brotli importable WhiteNoise compresses every static file twice)."""
    named = os.environ.get("SPM_LOCUST")
    if named:
        return [named]
    if importlib.util.find_spec("locust") is None:
        raise SystemExit("Locust is not installed: `make bench-load`, or SPM_LOCUST=<locust>")
    return [sys.executable, "-m", "locust"]


def locust(host: str, users: int, seconds: int, classes: list[str], csv_prefix: Path, *,
           env: dict[str, str]) -> None:  # fmt: skip
    command = [
        *locust_command(), "-f", str(Path(__file__).with_name("locustfile.py")),
        "--headless", "--users", str(users), "--spawn-rate", str(users), "--run-time",
        f"{seconds}s", "--host", host, "--csv", str(csv_prefix), "--only-summary",
        "--loglevel", "WARNING", "--stop-timeout", "60", *classes,
    ]  # fmt: skip
    # Locust exits 1 when any request failed: the table reports the failures. At the end the
    # requests in flight finish and are counted (``--stop-timeout``): the slowest are the
    # ones a cut-off would drop.
    subprocess.run(command, check=False, env=env, cwd=ROOT)


def compose_web(port: int) -> list[str]:
    """docker-compose.yml's gunicorn command (workers, threads, timeouts as written there),
    bound to a loopback port instead of the container's."""
    shell = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    line = shell["command"][-1]
    words = shlex.split(line[line.index("gunicorn ") :])
    bind = words.index("--bind")
    words[bind + 1] = f"127.0.0.1:{port}"
    return [sys.executable, "-m", *words]


def tree_cpu(root: int) -> float:
    """CPU seconds of process ``root`` and every process under it, running or reaped (the
    children a process has waited for count in its own ``cutime``/``cstime``)."""
    ticks, todo = 0, [root]
    while todo:
        pid = todo.pop()
        with contextlib.suppress(OSError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return ticks / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@dataclasses.dataclass
class Phase:
    """One Locust run: its statistics, the CPU seconds each server used meanwhile and the
    machine's load average before and after (the machine is shared: wall times wait for a
    core, CPU seconds are the steadier figure)."""

    label: str
    rows: list[dict[str, str]]
    cpu: dict[str, float]
    load: tuple[float, float]
    prefix: Path  # of Locust's CSV files

    def total(self) -> dict[str, str]:
        return next(r for r in self.rows if r["Name"] == "Aggregated")

    def rate(self) -> float:
        return float(self.total()["Requests/s"])


def measured(label: str, servers: dict[str, int], run: Callable[[Path], None], csv_prefix: Path
             ) -> Phase:  # fmt: skip
    """Locust's run ``run(csv_prefix)``, measured."""
    before = {name: tree_cpu(pid) for name, pid in servers.items()}
    own, load = children_cpu(), os.getloadavg()[0]
    run(csv_prefix)
    cpu = {name: tree_cpu(pid) - before[name] for name, pid in servers.items()}
    cpu["Locust"] = children_cpu() - own
    stats = rows(Path(f"{csv_prefix}_stats.csv"))
    return Phase(label, stats, cpu, (load, os.getloadavg()[0]), csv_prefix)


@contextlib.contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process with its output in ``log``; terminated at the end."""
    with open(log, "wb") as out:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield child
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


def table(phase: Phase, ceilings: list[Phase]) -> str:
    served = max(int(phase.total()["Request Count"]), 1)
    per_request = [
        f"{name} {phase.cpu[name] / served * 1000:.1f} ms"
        for name in PER_REQUEST
        if name in phase.cpu
    ]
    lines = [
        f"{phase.label}; load average {phase.load[0]:.1f} -> {phase.load[1]:.1f}; CPU seconds "
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in phase.cpu.items())
        + "; CPU a request (the figure to compare on a shared machine): "
        + ", ".join(per_request)
        + ":\n",
        "| endpoint | requests | requests/s | median | p95 | errors |",
        "|---|---|---|---|---|---|",
    ]
    for row in phase.rows:
        name = "**all of the mix**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {float(row['Requests/s']):.1f} "
            f"| {float(row['Median Response Time']):,.0f} ms | {float(row['95%']):,.0f} ms "
            f"| {row['Failure Count']} |"
        )
    for top in ceilings:
        lines.append(f"\nThroughput: {phase.rate() / max(top.rate(), 0.001):.1%} of {top.label}.")
    return "\n".join(lines)


def failures(csv_prefix: Path) -> str:
    """What failed and how often (Locust's own list), for the report."""
    found = rows(Path(f"{csv_prefix}_failures.csv"))
    return "\n".join(f"- {r['Occurrences']} x {r['Name']}: {r['Error']}" for r in found) or (
        "No failures."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, required=True, help="kept PostgreSQL directory")
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=sum(COUNTS.values()))
    parser.add_argument("--seconds", type=int, default=60, help="of each run of the mix")
    parser.add_argument("--ceiling-seconds", type=int, default=20, help="of each ceiling")
    parser.add_argument(
        "--think", choices=["both", "yes", "no"], default="both",
        help="the mix with 0.5-1.5 s between clicks, without, or both (default)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    secret = secrets.token_urlsafe(40)
    os.environ.update(SPM_DEBUG="0", SPM_SECRET_KEY=secret, SPM_SECURE_SSL_REDIRECT="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spm.settings")
    locust_command()  # before minutes of set-up: is Locust there?
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
        }
        # docker-compose.yml's web and worker commands, on loopback.
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
        worker = stack.enter_context(
            process([sys.executable, "-m", *compose["worker"]["command"]], env, logs / "worker.log")
        )
        web = compose_web(port)
        gunicorn = stack.enter_context(process(web, env, logs / "web.log"))
        wait_for_port(port, 60)
        host = f"http://127.0.0.1:{port}"
        warm_up(host)
        postmaster = int((args.keep / "pgdata" / "postmaster.pid").read_text().split()[0])
        servers = {"gunicorn": gunicorn.pid, "PostgreSQL": postmaster, "Celery": worker.pid}
        people = ["Employee", "Manager", "HR", "Executive"]
        mixes, backlog = [], {}
        for think in {"both": [True, False], "yes": [True], "no": [False]}[args.think]:
            label = f"{'0.5-1.5 s' if think else 'no'} think time"
            prefix = Path(tmp) / ("think" if think else "nothink")
            mine = {**env, "SPM_LOAD_THINK": "1" if think else "0"}
            mixes.append(measured(
                f"The mix, {args.users} users, {label}, {args.seconds} s", servers,
                functools.partial(locust, host, args.users, args.seconds, people, env=mine),
                prefix,
            ))  # fmt: skip
            backlog[label] = queued(redis)
            warm_up(host)  # the mix's queued requests drain before the next run
        ceilings = []
        for user, label in (
            ("SignedInCeiling", "the signed-in ceiling"),
            ("AnonymousCeiling", "the anonymous ceiling"),
        ):
            prefix = Path(tmp) / user
            ceilings.append(measured(
                f"{label[4].upper()}{label[5:]}, {args.users} users, no think time, "
                f"{args.ceiling_seconds} s", servers,
                functools.partial(locust, host, args.users, args.ceiling_seconds, [user], env=env),
                prefix,
            ))  # fmt: skip
            ceilings[-1].label = label
        kept = args.keep / "logs"
        kept.mkdir(exist_ok=True)
        for log in ("web.log", "worker.log"):
            shutil.copy(logs / log, kept / log)
        print(
            f"\nLocust, {', '.join(f'{n} {r}' for r, n in COUNTS.items())}; "
            f"`{' '.join(web[2:])}` and the compose file's Celery worker, PostgreSQL, "
            f"{args.employees} employees ({generated}); Locust on the same machine.\n"
        )
        for phase in mixes:
            print(table(phase, ceilings), end="\n\n")
            print(failures(phase.prefix), end="\n\n")
        for top in ceilings:
            print(table(top, []), end="\n\n")
        for label, count in backlog.items():
            print(f"Celery tasks still queued when the mix ({label}) ended: {count}.")


if __name__ == "__main__":
    main(sys.argv[1:])
