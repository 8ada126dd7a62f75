"""HTTP benchmark over loopback with wrk; prints JSON.

Starts the real server (gunicorn gthread, demo settings, rate limits off
because all load comes from one address) on a fresh data folder, optionally
holding --stored declarations first (imported with `tuidang import`, or with
--fill stored directly on SQLite: the import bench's baseline rows, then the
counters recomputed, the sequencer run and `tally --check`), and measures,
one after the other, each for --duration seconds:

* ping: GET /api/v1/ping — the baseline, the same stack doing no work;
* intake: POST /api/v1/declarations, each with its own Idempotency-Key
  (stored durably: SQLite WAL with synchronous=FULL, or PostgreSQL);
* tally: GET /api/v1/tally (the published totals);
* ping again: the ratios use the mean of both ping runs.

Reports requests/s, p50/p99 latency, errors and the ratios intake/ping and
tally/ping (targets: intake >= 500/s with p99 <= 100 ms on SQLite; tally >=
0.7x ping). Needs Debian's wrk (`apt-get install wrk`).

    .venv/bin/python bench/http_bench.py [--stored 100000 [--fill]] [--postgres URL]
        [--duration 15] [--connections 16] [--workers CPUS] [--threads 4]
        [--data KEPT_FOLDER]

16 million stored: --stored 16000000 --fill --data FOLDER (about half an
hour the first time; later runs reuse FOLDER).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_bench import (  # noqa: E402
    columns,
    drop_postgres,
    insert_tables,
    postgres_database,
    split_tables,
    sqlite_pragmas,
    stored_rows,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[1]
BODY = (
    '{"organisations":["party","league"],"people":[{"naming":"alias","alias":"压测"}],'
    '"unnamed_persons":1,"country":"CN","province":"CN-YN"}'
)
LUA = r"""
local counter = 0
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) prefix = "bench-" .. tostring(id) .. "-" .. tostring(math.random(1, 1e9)) end
%s
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%.3f, "non_2xx": %%d, "socket_errors": %%d, ' ..
    '"p50_ms": %%.2f, "p99_ms": %%.2f, "max_ms": %%.2f}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""
POST = (
    "function request()\n"
    "  counter = counter + 1\n"
    '  return wrk.format("POST", "/api/v1/declarations", {["Content-Type"] = '
    '"application/json", ["Idempotency-Key"] = prefix .. "-" .. counter}, [[' + BODY + "]])\n"
    "end"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(data: Path, database_url: str | None, args) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIDANG_", "DJANGO_"))}
    env.update(
        TUIDANG_DATA_DIR=str(data),
        TUIDANG_RATE_LIMITS="off",
        TUIDANG_WORKERS=str(args.workers),
        TUIDANG_THREADS=str(args.threads),
        DJANGO_SETTINGS_MODULE="tuidang.settings.demo",
    )
    if database_url:
        env["TUIDANG_DATABASE_URL"] = database_url
    return env


FILL_CHUNK = 500_000
# The counters of filled rows, recomputed by the one tally code from the rows.
RECOUNT = """
import django
django.setup()
from django.db import transaction
from tuidang.registry import tally
from tuidang.registry.models import Tally
counts = tally.recompute()
with transaction.atomic():
    Tally.objects.all().delete()
    Tally.objects.bulk_create([Tally(dimension=d, key=k, count=c) for (d, k), c in counts.items()])
"""


def fill(data: Path, env: dict, count: int) -> None:
    """Store `count` accepted declarations directly: the import bench's
    baseline rows (same tables, values of the same sizes), in transactions of
    FILL_CHUNK rows; then the counters are recomputed from the rows. For many
    stored rows: 16 million took 27 minutes this way, 47 through the import."""
    db = sqlite3.connect(data / "tuidang.sqlite3", isolation_level=None)
    for pragma in sqlite_pragmas():
        db.execute(pragma)
    person_columns = [c for c in columns(db, "registry_person") if c != "id"]
    rows = stored_rows(count, columns(db, "registry_declaration"), person_columns)
    while chunk := list(itertools.islice(rows, FILL_CHUNK)):
        db.execute("BEGIN IMMEDIATE")
        insert_tables(db, *split_tables(chunk))
        db.execute("COMMIT")
    db.close()
    subprocess.run([sys.executable, "-c", RECOUNT], env=env, check=True, capture_output=True)


def prepare(folder: Path, env: dict, stored: int, direct: bool = False) -> None:
    tuidang = [sys.executable, "-m", "tuidang.cli", "--demo"]
    subprocess.run([*tuidang, "init", "--demo-keys"], env=env, check=True, capture_output=True)
    if stored and direct:
        fill(Path(env["TUIDANG_DATA_DIR"]), env, stored)
    elif stored:
        path = folder / "stored.csv"
        write_csv(path, stored)
        subprocess.run(
            [*tuidang, "import", str(path), "--no-progress"],
            env=env,
            check=True,
            capture_output=True,
        )
        path.unlink()
    subprocess.run([*tuidang, "sequencer", "--once"], env=env, check=True, capture_output=True)
    if stored and direct:  # the filled rows, their counters and the log agree
        subprocess.run([*tuidang, "tally", "--check"], env=env, check=True, capture_output=True)


def stored_declarations(data: Path) -> int:
    """How many declarations a kept data folder holds (before this run's intake)."""
    with sqlite3.connect(f"file:{data / 'tuidang.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM registry_declaration").fetchone()[0]


def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    config = ROOT / "src" / "tuidang" / "server" / "gunicorn_conf.py"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config), "tuidang.wsgi"],
        env={**env, "TUIDANG_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(url + "/api/v1/ping", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)
    return process, url


def server_cpu_seconds(group: int) -> float:
    """CPU time (user + system, with reaped children) of the server's processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group:  # fields[2] is the process group
            total += sum(int(value) for value in fields[11:15]) / ticks
    return total


def wrk(url: str, path: str, script: str, args, folder: Path, group: int | None = None) -> dict:
    """One wrk run; with the server's process group, also the server's CPU
    milliseconds per request (steadier than requests/s on a noisy machine)."""
    lua = folder / f"{uuid.uuid4().hex}.lua"
    lua.write_text(LUA % script)
    cpu_before = server_cpu_seconds(group) if group else 0.0
    result = subprocess.run(
        ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "5s",
         "-s", str(lua), url + path],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    ok = figures["requests"] - figures["non_2xx"]
    figures["ok_per_s"] = round(ok / figures["seconds"], 1)
    if group and figures["requests"]:
        cpu = server_cpu_seconds(group) - cpu_before
        figures["server_cpu_ms_per_request"] = round(cpu * 1000 / figures["requests"], 3)
        figures["server_cores_busy"] = round(cpu / figures["seconds"], 2)
    return figures


def run(folder: Path, database_url: str | None, args) -> dict:
    keep = args.data is not None and database_url is None
    data = args.data.resolve() if keep else folder / f"data-{uuid.uuid4().hex[:6]}"
    env = environment(data, database_url, args)
    if keep and (data / "tuidang.sqlite3").exists():
        stored = stored_declarations(data)
    else:
        prepare(folder, env, args.stored, direct=args.fill and database_url is None)
        stored = args.stored
    process, url = start_server(env)
    try:
        for _ in range(3 * args.workers * args.threads):  # warm every worker up
            urllib.request.urlopen(url + "/api/v1/tally", timeout=30).read()
        wrk(
            url,
            "/api/v1/declarations",
            POST,
            argparse.Namespace(**{**vars(args), "duration": 2}),
            folder,
        )
        ping_before = wrk(url, "/api/v1/ping", "", args, folder, process.pid)
        intake = wrk(url, "/api/v1/declarations", POST, args, folder, process.pid)
        tally = wrk(url, "/api/v1/tally", "", args, folder, process.pid)
        ping_after = wrk(url, "/api/v1/ping", "", args, folder, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
    if not keep:
        shutil.rmtree(data, ignore_errors=True)
    # The baseline is measured before and after, and the ratios use the mean:
    # on this noisy machine one run of it can be far off.
    ping_per_s = (ping_before["ok_per_s"] + ping_after["ok_per_s"]) / 2
    return {
        "stored_before": stored,
        "ping": ping_before,
        "ping_after": ping_after,
        "intake": intake,
        "tally": tally,
        "intake_to_ping": round(intake["ok_per_s"] / ping_per_s, 3),
        "tally_to_ping": round(tally["ok_per_s"] / ping_per_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=0, help="declarations stored beforehand")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    # The server's own defaults (server/gunicorn_conf.py).
    parser.add_argument("--workers", type=int, default=min(max(2, os.cpu_count() or 2), 4))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--fill",
        action="store_true",
        help="store the --stored rows directly (SQL, the import bench's baseline rows) "
        "instead of through `tuidang import`: faster for millions",
    )
    parser.add_argument("--postgres", default=None, help="also on PostgreSQL (server URL)")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="SQLite data folder to keep and reuse: prepared with --stored on the first "
        "run, then used as it is (e.g. for 16 million stored, which takes long to import)",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")
    report = {"bench": "http", "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(dir=args.dir) as temp:
        report["sqlite"] = run(Path(temp), None, args)
        if args.postgres:
            name, url = postgres_database(args.postgres)
            try:
                report["postgresql"] = run(Path(temp), url, args)
            finally:
                drop_postgres(args.postgres, name)
    report["loadavg_end"] = os.getloadavg()
    report["settings"] = {
        k: getattr(args, k) for k in ("duration", "connections", "workers", "threads")
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
