"""Benchmark of the call queue's "Next call" (issue 11); prints JSON.

Per engine (SQLite, PostgreSQL or both), on a fresh database: migrations,
then --targets targets (1,000,000 by default) in four campaigns, then one
timed run per --pause-ms value: --callers separate processes (8 by default;
processes, not threads, so that they really run at once on both cores) that
each loop on `queue.next_call(campaign_or_None, caller, NOW)`, timing that
call alone with `time.perf_counter`, and after each target record an outcome
as the console will, untimed. The latencies of every caller are merged:
p50/p90/p99/max per run; goal p99 <= 5 ms, limit p99 <= 20 ms.

    .venv/bin/python bench/campaign_bench.py [--engine sqlite|postgresql|both]
        [--targets 1000000] [--callers 8] [--seconds 20 | --calls N]
        [--pause-ms 0 100] [--postgres postgres://postgres@127.0.0.1:5432]

Decisions, so that the figures can be read:

* Time: realistic windows and a fixed instant. The campaigns have the
  default windows (Monday to Friday, 08:30-11:30 and 14:00-17:30 local), and
  every call is asked at NOW, Wednesday 2026-06-10 02:15 UTC: 10:15 in
  Shanghai, Hong Kong and Taipei (open); 08:15 in Urumqi (not yet open),
  Tuesday 22:15 in New York, 03:15 in London and the lunch break in Sydney
  (closed). So the queue skips closed zones among its candidates, as it must
  in the morning, and a run's results do not depend on when it is started.
* Targets (synthetic, deterministic): 50/30/15 % in three running campaigns,
  5 % in a paused one; zones 84 % Asia/Shanghai, 8 % Asia/Urumqi, the rest
  Hong Kong, Taipei, New York, London and Sydney; priorities 70 % 0, 20 % 10,
  7 % 50, 3 % 80-100; 10 % closed, 15 % with their next attempt still to
  come (1-48 h), 5 % called before and due again, 0.05 % callbacks due and
  0.2 % callbacks later; 1 % of the numbers on the do-not-call list.
* Callers: each has its own user; even-numbered callers ask for any running
  campaign (None), odd ones for one campaign (in turn). After each target a
  caller records an outcome, as the console will (one UPDATE, not timed):
  20 % closed, 10 % a callback tomorrow, 15 % busy (again in 30 min), the
  rest no answer (again in 4 h); closed at the attempt limit. The queue so
  drains as in real use: a target is never handed out twice in a run.
* Load: two runs by default, one after the other on the same data. Pause 0:
  every caller asks again as soon as it has recorded its outcome, so eight
  processes keep both cores busy and the figures are mostly queueing for
  the cores and for SQLite's one write lock (the worst case). Pause 100: a
  caller waits a random 0-200 ms after each outcome, so the eight callers'
  requests still overlap (about 70 a second: real callers, who talk for
  minutes between two requests, ask a thousand times less often) without
  saturating the machine. A caller that slept runs its next call with cold
  CPU caches, about twice as slowly as in a tight loop.
* Before the timed loop each caller makes WARMUP calls (connection, query
  compilation); they are not counted. PostgreSQL gets `VACUUM ANALYZE` after
  the load, as autovacuum would do within a minute; SQLite gets no ANALYZE
  (the application never runs one).

Every child runs in its own process group and is stopped with it, also on
failure or on SIGINT/SIGTERM/SIGHUP (and dies with the bench: PDEATHSIG);
the temporary folder is removed and the PostgreSQL database dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import drop_postgres, postgres_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
UTC = datetime.UTC
# Wednesday: 10:15 in Shanghai (open), 08:15 in Urumqi (opens at 08:30).
NOW = datetime.datetime(2026, 6, 10, 2, 15, tzinfo=UTC)
GOAL_P99_MS, LIMIT_P99_MS = 5.0, 20.0
WARMUP = 3
INSERT_BATCH = 50_000
# (name, status, share of the targets)
CAMPAIGNS = (
    ("Bench campaign A", "running", 0.50),
    ("Bench campaign B", "running", 0.30),
    ("Bench campaign C", "running", 0.15),
    ("Bench campaign D (paused)", "paused", 0.05),
)
ZONES = (
    ("Asia/Shanghai", 84),
    ("Asia/Urumqi", 8),
    ("Asia/Hong_Kong", 2),
    ("Asia/Taipei", 2),
    ("America/New_York", 2),
    ("Europe/London", 1),
    ("Australia/Sydney", 1),
)
PLACES = ("CN-BJ", "CN-SH", "CN-GD", "CN-SC", "CN-HB", "CN-ZJ", "CN-LN", "CN-XJ")
SECTORS = ("police", "government", "political_legal", "education", "enterprise", "health", "")
RANKS = ("rank_and_file", "middle", "high", "")
TARGET_COLUMNS = (
    "campaign_id", "name_or_title", "unit", "sector", "rank", "place", "phone_e164",
    "phone_key", "time_zone", "time_zone_source", "priority", "attempts", "closed",
    "next_attempt_at", "callback_at", "lease_until", "leased_to_id",
)  # fmt: skip


# --- the parent: databases, processes, figures -------------------------------


class Children:
    """Processes started by the bench, each the leader of its own process
    group; `stop` ends every group (SIGTERM, then SIGKILL) and reaps them."""

    def __init__(self, folder: Path, env: dict) -> None:
        self.folder, self.env = folder, env
        self.started: dict[subprocess.Popen, str] = {}

    def start(self, name: str, *args: str) -> subprocess.Popen:
        with (
            open(self.folder / f"{name}.out", "w") as out,
            open(self.folder / f"{name}.err", "w") as err,
        ):
            child = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        self.started[child] = name
        return child

    def finish(self, child: subprocess.Popen, timeout: float) -> str:
        """Wait for `child`; its stdout, or SystemExit with its stderr."""
        child.wait(timeout=timeout)
        name = self.started[child]
        if child.returncode != 0:
            err = (self.folder / f"{name}.err").read_text()
            raise SystemExit(f"{name} failed ({child.returncode}):\n{err[-4000:]}")
        return (self.folder / f"{name}.out").read_text()

    def run(self, name: str, *args: str, timeout: float = 3600) -> str:
        return self.finish(self.start(name, *args), timeout)

    def stop(self) -> None:
        for child in self.started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.started:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.started = {}


def environment(data: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIDANG_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tuidang.settings.demo",
        TUIDANG_DATA_DIR=str(data),
        TUIDANG_DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def figures(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    if not ordered:
        return {"calls": 0}
    return {
        "calls": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 3),
        "p90_ms": round(percentile(ordered, 90), 3),
        "p99_ms": round(percentile(ordered, 99), 3),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(sum(ordered) / len(ordered), 3),
    }


def start_callers(children: Children, folder: Path, run: str, args, pause: float) -> list:
    """Start the callers of one run, wait until each has warmed up, then let
    them go at once."""
    callers = [
        children.start(
            f"{run}-caller-{n}", __file__, "--role", "caller", "--index", str(n),
            "--run", run, "--pause-ms", str(pause), "--seconds", str(args.seconds),
            "--calls", str(args.calls or 0), "--folder", str(folder),
        )
        for n in range(args.callers)
    ]  # fmt: skip
    deadline = time.monotonic() + 300
    while not all((folder / f"{run}-ready-{n}").exists() for n in range(args.callers)):
        for child in callers:
            if child.poll() is not None:
                children.finish(child, 0)  # raises with its stderr
        if time.monotonic() > deadline:
            raise SystemExit("the callers did not start")
        time.sleep(0.05)
    (folder / f"{run}-go").write_text("")
    return callers


def timed_run(children: Children, folder: Path, run: str, args, pause: float) -> dict:
    """One run of every caller at once; the merged figures."""
    load_before = _load()
    callers = start_callers(children, folder, run, args, pause)
    began = time.perf_counter()
    for child in callers:
        children.finish(child, (args.calls or 0) * (2 + pause / 500) + args.seconds + 600)
    seconds = time.perf_counter() - began
    results = [
        json.loads((folder / f"{run}-caller-{n}.json").read_text()) for n in range(args.callers)
    ]
    every = [ms for result in results for ms in result["latencies_ms"]]
    merged = figures(every)
    p99 = merged.get("p99_ms", float("inf"))
    scopes = {
        scope: figures([ms for r in results if r["scope"] == scope for ms in r["latencies_ms"]])
        for scope in ("any_running_campaign", "one_campaign")
    }
    return {
        "callers": args.callers,
        "pause_ms": pause,
        **merged,
        "goal_p99_ms": GOAL_P99_MS,
        "limit_p99_ms": LIMIT_P99_MS,
        "goal_met": p99 <= GOAL_P99_MS,
        "limit_met": p99 <= LIMIT_P99_MS,
        "calls_per_s": round(len(every) / seconds, 1),
        "no_target_answers": sum(r["empty"] for r in results),
        "seconds": round(seconds, 1),
        "by_scope": scopes,
        "loadavg_before_after": [load_before, _load()],
    }


def run_engine(engine: str, args, folder: Path) -> tuple[dict, list[dict]]:
    """One engine: a fresh database, the data, one timed run per pause."""
    folder.mkdir()
    with contextlib.ExitStack() as cleanup:
        if engine == "postgresql":
            name, url = postgres_database(args.postgres)
            cleanup.callback(drop_postgres, args.postgres, name)
        else:
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        children = Children(folder, environment(folder / "data", url))
        cleanup.callback(children.stop)
        started = time.perf_counter()
        children.run("migrate", __file__, "--role", "migrate")
        setup = json.loads(
            children.run(
                "setup", __file__, "--role", "setup", "--targets", str(args.targets),
                "--callers", str(args.callers),
            )
        )  # fmt: skip
        setup["seconds"] = round(time.perf_counter() - started, 1)
        runs = [
            {"engine": engine, "targets": args.targets}
            | timed_run(children, folder, f"run{n}", args, pause)
            for n, pause in enumerate(args.pause_ms)
        ]
    return setup, runs


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _exit_on_signal(signum, _frame) -> None:
    """Unwind (children stopped, database dropped, folder removed); a second
    signal does not cut that short."""
    for other in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(other, signal.SIG_IGN)
    raise SystemExit(128 + signum)


def main_bench(args) -> None:
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _exit_on_signal)
    engines = ["sqlite", "postgresql"] if args.engine == "both" else [args.engine]
    started = time.perf_counter()
    output = {
        "bench": "campaign_queue_next_call",
        "command": " ".join(["bench/campaign_bench.py", *sys.argv[1:]]),
        "machine": {"cores": os.cpu_count(), "loadavg_start": _load()},
        "now": NOW.isoformat(),
        "results": [],
        "setup": {},
    }
    with tempfile.TemporaryDirectory(prefix="tuidang-campaign-bench-", dir=args.dir) as temp:
        for engine in engines:
            setup, runs = run_engine(engine, args, Path(temp) / engine)
            output["setup"][engine] = setup
            output["results"] += runs
    output["machine"]["loadavg_end"] = _load()
    output["run_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(output, indent=1))


# --- the children: migrations, data, callers --------------------------------


def _die_with_parent() -> None:
    """Get SIGTERM when the bench itself dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        raise SystemExit("the bench is gone")


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def target_state(rng: random.Random) -> tuple[int, bool, object, object]:
    """(attempts, closed, next_attempt_at, callback_at) of one target at NOW."""
    hour = datetime.timedelta(hours=1)
    roll = rng.random()
    if roll < 0.10:
        return 0, True, None, None
    if roll < 0.25:  # called, the next attempt still to come
        return rng.randint(1, 3), False, NOW + rng.randint(1, 48) * hour, None
    if roll < 0.30:  # called before and due again
        return rng.randint(1, 4), False, NOW - rng.randint(1, 72) * hour, None
    if roll < 0.3005:  # a callback due
        return 1, False, None, NOW - rng.randint(1, 120) * datetime.timedelta(minutes=1)
    if roll < 0.3025:  # a callback later
        return 1, False, None, NOW + rng.randint(1, 72) * hour
    return 0, False, None, None


def _priority(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.70:
        return 0
    if roll < 0.90:
        return 10
    return 50 if roll < 0.97 else rng.choice((80, 90, 100))


def phone_key(n: int) -> str:
    return hashlib.sha256(f"bench-target-{n}".encode()).hexdigest()


def target_rows(count: int, campaign_ids: list[int], adapt):
    """Synthetic target rows (TARGET_COLUMNS order); `adapt` turns an
    instant into the database's value."""
    rng = random.Random(11)  # noqa: S311
    shares = [share for _, _, share in CAMPAIGNS]
    for n in range(count):
        attempts, closed, next_at, callback = target_state(rng)
        yield (
            rng.choices(campaign_ids, shares)[0],
            f"Bench target {n}",
            f"Bench unit {n % 997}",
            rng.choice(SECTORS),
            rng.choice(RANKS),
            rng.choice(PLACES),
            f"+8610{n:08d}",
            phone_key(n),
            _pick(rng, ZONES),
            "file",
            _priority(rng),
            attempts,
            closed,
            adapt(next_at),
            adapt(callback),
            None,
            None,
        )


def insert_targets(rows) -> None:
    """COPY on PostgreSQL, executemany in big transactions on SQLite."""
    import itertools

    from django.db import connection, transaction

    from tuidang.registry.bulk_rows import bulk_connection

    names = ", ".join(TARGET_COLUMNS)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY campaigns_target ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(TARGET_COLUMNS))
    sql = f"INSERT INTO campaigns_target ({names}) VALUES ({marks})"  # noqa: S608
    with bulk_connection():
        while batch := list(itertools.islice(rows, INSERT_BATCH)):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, batch)


def migrate() -> None:
    """The fresh database's tables (system checks skipped: not what is measured)."""
    _die_with_parent()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def setup(targets: int, callers: int) -> dict:
    """Campaigns, callers and targets in the fresh database; what was made."""
    _die_with_parent()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from tuidang.campaigns.defaults import default_windows
    from tuidang.campaigns.models import Campaign, DoNotCall, Target

    ids = []
    for name, status, _share in CAMPAIGNS:
        campaign = Campaign.objects.create(
            name=name,
            status=status,
            start_day=datetime.date(2026, 1, 1),
            end_day=datetime.date(2026, 12, 31),
        )
        default_windows(campaign)
        ids.append(campaign.pk)
    for n in range(callers):
        get_user_model().objects.create_user(f"bench-caller-{n}")

    def adapt(instant):
        return instant if instant is None else connection.ops.adapt_datetimefield_value(instant)

    started = time.perf_counter()
    insert_targets(target_rows(targets, ids, adapt))
    DoNotCall.objects.bulk_create(
        (DoNotCall(phone_key=phone_key(n)) for n in range(0, targets, 100)), batch_size=5000
    )
    insert_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "insert_seconds": round(insert_seconds, 1),
        "targets_open": Target.objects.filter(closed=False).count(),
        "do_not_call": DoNotCall.objects.count(),
    }


# --- a caller child -----------------------------------------------------------


def record_outcome(target, caller, limit: int, rng: random.Random) -> None:
    """What an outcome does to a target's scheduling state (not timed)."""
    from tuidang.campaigns.models import Target

    attempts = target.attempts + 1
    fields = {"leased_to": None, "lease_until": None, "callback_at": None, "attempts": attempts}
    roll = rng.random()
    if roll < 0.20 or attempts >= limit:
        fields.update(closed=True, next_attempt_at=None)
    elif roll < 0.30:
        fields.update(callback_at=NOW + datetime.timedelta(days=1), next_attempt_at=None)
    elif roll < 0.45:
        fields["next_attempt_at"] = NOW + datetime.timedelta(minutes=30)
    else:
        fields["next_attempt_at"] = NOW + datetime.timedelta(hours=4)
    Target.objects.filter(pk=target.pk, leased_to=caller).update(**fields)


def run_caller(index: int, run: str, pause: float, seconds: float, calls: int, folder) -> None:
    """Loop on next_call until the time or the count is up, pausing a random
    0 to 2 x `pause` ms after each outcome; the latencies to a file."""
    _die_with_parent()
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from tuidang.campaigns.models import Campaign
    from tuidang.campaigns.queue import next_call

    user = get_user_model().objects.get(username=f"bench-caller-{index}")
    limits = dict(Campaign.objects.values_list("pk", "attempt_limit"))
    running = list(Campaign.objects.filter(status="running").order_by("pk"))
    campaign = None if index % 2 == 0 else running[(index // 2) % len(running)]
    rng = random.Random(f"{run}-{index}")  # noqa: S311
    for _ in range(WARMUP):
        if (target := next_call(campaign, user, NOW)) is not None:
            record_outcome(target, user, limits[target.campaign_id], rng)
    (folder / f"{run}-ready-{index}").write_text("")
    while not (folder / f"{run}-go").exists():
        time.sleep(0.005)
    latencies, empty = [], 0
    deadline = time.perf_counter() + seconds
    while (len(latencies) < calls) if calls else (time.perf_counter() < deadline):
        began = time.perf_counter()
        target = next_call(campaign, user, NOW)
        latencies.append((time.perf_counter() - began) * 1000)
        if target is None:
            empty += 1
        else:
            record_outcome(target, user, limits[target.campaign_id], rng)
        if pause:
            time.sleep(rng.uniform(0, 2 * pause) / 1000)
    result = {
        "scope": "any_running_campaign" if campaign is None else "one_campaign",
        "latencies_ms": latencies,
        "empty": empty,
    }
    (folder / f"{run}-caller-{index}.json").write_text(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="each run's timed loop")
    parser.add_argument("--calls", type=int, default=None, help="calls per caller instead")
    parser.add_argument(
        "--pause-ms",
        type=float,
        nargs="+",
        default=[0.0, 100.0],
        help="a caller's mean pause after each call (random, 0 to twice it); one run each",
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--dir", type=Path, default=None, help="for the temporary folder")
    parser.add_argument("--role", choices=["migrate", "setup", "caller"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "migrate":
        migrate()
    elif args.role == "setup":
        print(json.dumps(setup(args.targets, args.callers)))
    elif args.role == "caller":
        pause = args.pause_ms[0]
        run_caller(args.index, args.run, pause, args.seconds, args.calls or 0, args.folder)
    else:
        main_bench(args)


if __name__ == "__main__":
    main()
