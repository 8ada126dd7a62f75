"""Benchmark of publishing one batch (`tuidang sequencer --once --cut`); prints JSON.

A data folder gets --rows queued declarations with `tuidang import` (setup,
not timed). Then, in one run (these machines are noisy, so compare ratios):

* baseline: the same entry lines appended to a fresh log folder with the
  ledger's own writer (`tuidang.ledger.sequencer.LogWriter`, tiles and a
  signed checkpoint, durable), no database: the floor of any publication;
* publish: the real `tuidang sequencer --once --cut` in a child process — the
  cut (every queued entry gets its index in random order, the counters are
  read, milestones), the tiles, the checkpoint and the published totals —
  from start to exit, its peak memory, and `ratio` = publish entries/s /
  baseline entries/s; then `tuidang tally --check` must agree.

    .venv/bin/python bench/publish_bench.py [--rows 200000] [--postgres URL]

A day's batch in production is thousands to tens of thousands of entries; a
partner's seed import of millions is the large case.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import (  # noqa: E402
    TUIDANG,
    _age_recipient,
    _environment,
    _load,
    drop_postgres,
    postgres_database,
    write_csv,
)


def queued_lines(data: Path, database_url: str | None) -> list[bytes]:
    query = "SELECT line FROM registry_pendingentry ORDER BY id"
    if database_url:
        import psycopg

        with psycopg.connect(database_url) as db:
            return [row[0].encode("ascii") for row in db.execute(query)]
    with sqlite3.connect(f"file:{data / 'tuidang.sqlite3'}?mode=ro", uri=True) as db:
        return [row[0].encode("ascii") for row in db.execute(query)]


def baseline(folder: Path, lines: list[bytes]) -> dict:
    """The ledger's writer alone, in batches of the sequencer's size."""
    from tuidang.ledger.note import Signer
    from tuidang.ledger.sequencer import LogWriter

    signer = Signer("bench.tuidang.invalid/log", os.urandom(32))
    started = time.perf_counter()
    with LogWriter.open(folder / "baseline-log", signer) as writer:
        size = 0
        for start in range(0, len(lines), 65536):
            size = writer.append(lines[start : start + 65536], expected_size=size)
    seconds = time.perf_counter() - started
    return {
        "entries": len(lines),
        "seconds": round(seconds, 2),
        "entries_per_s": round(len(lines) / seconds),
    }


def publish(env: dict, entries: int) -> dict:
    started = time.perf_counter()
    child = subprocess.Popen(
        [*TUIDANG, "sequencer", "--once", "--cut"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    out, err = child.stdout.read().decode(), child.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(out + err)
    check = subprocess.run([*TUIDANG, "tally", "--check"], env=env, capture_output=True, text=True)
    return {
        "entries": entries,
        "seconds": round(seconds, 2),
        "entries_per_s": round(entries / seconds),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "tally_check_ok": check.returncode == 0,
        "summary": out.strip(),
    }


def run(folder: Path, rows: int, database_url: str | None) -> dict:
    data = folder / "data"
    env = _environment(data, _age_recipient(), database_url)
    subprocess.run([*TUIDANG, "init", "--demo-keys"], env=env, check=True, capture_output=True)
    csv_path = folder / "rows.csv"
    write_csv(csv_path, rows)
    subprocess.run(
        [*TUIDANG, "import", str(csv_path), "--no-progress"],
        env=env,
        check=True,
        capture_output=True,
    )
    lines = queued_lines(data, database_url)
    floor = baseline(folder, lines)
    result = publish(env, len(lines))
    result["ratio"] = round(result["entries_per_s"] / floor["entries_per_s"], 3)
    return {"baseline": floor, "publish": result, "loadavg": _load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--postgres", metavar="URL", help="also on PostgreSQL (server URL)")
    args = parser.parse_args()
    report = {"rows": args.rows}
    with tempfile.TemporaryDirectory(prefix="tuidang-publish-bench-") as tmp:
        report["sqlite"] = run(Path(tmp) / "sqlite", args.rows, None)
    if args.postgres:
        name, url = postgres_database(args.postgres)
        try:
            with tempfile.TemporaryDirectory(prefix="tuidang-publish-bench-") as tmp:
                report["postgresql"] = run(Path(tmp) / "pg", args.rows, url)
        finally:
            drop_postgres(args.postgres, name)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
