"""Benchmark of `tuidang import`; prints JSON.

Measures, in one run (these machines are noisy, so compare ratios):

* baseline: raw `sqlite3` `executemany` of equivalent rows — one declaration,
  one person (for named rows) and one log entry per row, with the same unique
  indexes, precomputed tuples, WAL and synchronous=FULL, one transaction;
* import: rows/s of the real `tuidang import FILE` (parse, validate, seal with
  one file key per batch, receipts, counters, log entries; all or nothing) in a
  child process on a fresh data folder, its peak memory (max RSS), and
  `ratio` = import rows/s / baseline rows/s (target >= 0.5);
* optionally the same import on PostgreSQL (COPY), with --postgres URL (a
  database that is created and dropped by the bench).

    .venv/bin/python bench/import_bench.py [--rows 1000000] [--postgres URL]

16 million rows end to end: --rows 16000000 (about 2 GB of CSV in --dir).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORGS = ["party", "league", "pioneers"]
PROVINCES = ["CN-BJ", "CN-SH", "CN-GD", "CN-SC", "CN-HB", "CN-ZJ", "CN-LN", "CN-YN"]
SYLLABLES = "清风明月小溪山川星河松竹梅兰春秋冬夏云雨雪霜"


def synthetic_rows(count: int, seed: int = 16):
    """Deterministic synthetic rows: a third alias, a third unnamed groups, a
    third true names with a contact (no real person, no real contact)."""
    rng = random.Random(seed)  # noqa: S311
    today = "2026-03-01"
    for i in range(count):
        kind = i % 3
        alias = "".join(rng.choice(SYLLABLES) for _ in range(3))
        yield {
            "key": f"BENCH-{i:09d}",
            "day": today,
            "organisations": " ".join(sorted(rng.sample(ORGS, rng.randint(1, 3)))),
            "naming": ("alias", "", "true_name")[kind],
            "true_name": f"测试{alias}" if kind == 2 else "",
            "alias": alias if kind == 0 else "",
            "unnamed_persons": 1 + i % 4 if kind == 1 else 0,
            "by_proxy": "true" if kind == 1 else "false",
            "contact": f"bench{i}@example.invalid" if kind == 2 else "",
            "country": "CN",
            "province": rng.choice(PROVINCES),
        }


def write_csv(path: Path, count: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = None
        for row in synthetic_rows(count):
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)


def baseline(folder: Path, count: int) -> dict:
    """Raw sqlite3 executemany of rows equivalent to what the import stores."""
    db = sqlite3.connect(folder / "baseline.sqlite3", isolation_level=None)
    db.executescript(
        """
        PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
        CREATE TABLE declaration (id INTEGER PRIMARY KEY, receipt_hash TEXT UNIQUE,
          receipt_commitment TEXT, idempotency_hash TEXT UNIQUE, status TEXT,
          revoke_reason TEXT, reject_reason TEXT, reject_note TEXT, day TEXT,
          organisations TEXT, persons INTEGER, channel TEXT, by_proxy INTEGER,
          proxy_relationship TEXT, group_id INTEGER, country TEXT, province TEXT,
          sector TEXT, rank TEXT, statement TEXT, statement_state TEXT, sealed_contact BLOB);
        CREATE INDEX d_status ON declaration(status, id);
        CREATE TABLE person (id INTEGER PRIMARY KEY, declaration_id INTEGER, position INTEGER,
          naming TEXT, public_name TEXT, public_name_latin TEXT, sealed_identity BLOB);
        CREATE INDEX p_name ON person(public_name);
        CREATE UNIQUE INDEX p_pos ON person(declaration_id, position);
        CREATE TABLE log_entry ("index" INTEGER PRIMARY KEY, declaration_id INTEGER,
          kind TEXT, line TEXT);
        """
    )
    sealed = os.urandom(230)
    declarations, people, entries = [], [], []
    for i, row in enumerate(synthetic_rows(count)):
        digest = hashlib.sha256(row["key"].encode()).hexdigest()
        declarations.append(
            (i + 1, digest, digest, digest[::-1], "accepted", "", "", "", row["day"],
             row["organisations"], 1, "import", 0, "", None, "CN", row["province"], "", "", "",
             "pending", sealed if row["contact"] else None)
        )  # fmt: skip
        if row["naming"]:
            people.append((i + 1, 0, row["naming"], row["alias"], "", sealed))
        entries.append((i, i + 1, "declare", "declare " + digest * 2))
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(f"INSERT INTO declaration VALUES ({','.join('?' * 22)})", declarations)
    db.executemany(
        "INSERT INTO person (declaration_id, position, naming, public_name, public_name_latin,"
        " sealed_identity) VALUES (?,?,?,?,?,?)",
        people,
    )
    db.executemany("INSERT INTO log_entry VALUES (?,?,?,?)", entries)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return {"rows": count, "seconds": round(seconds, 3), "rows_per_s": round(count / seconds)}


def run_import(folder: Path, path: Path, database_url: str | None) -> dict:
    """`tuidang import` in a child process on a fresh data folder."""
    data = folder / f"data-{uuid.uuid4().hex[:6]}"
    identity = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
    recipient = next(
        line.split(": ")[1]
        for line in identity.stderr.splitlines() + identity.stdout.splitlines()
        if line.startswith("# public key: ") or line.startswith("Public key: ")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIDANG_", "DJANGO_"))}
    env.update(TUIDANG_DATA_DIR=str(data), TUIDANG_CUSTODIAN_RECIPIENTS=recipient)
    if database_url:
        env["TUIDANG_DATABASE_URL"] = database_url
    tuidang = [sys.executable, "-m", "tuidang.cli", "--demo"]
    subprocess.run([*tuidang, "init"], env=env, check=True, capture_output=True)
    out_path, err_path = folder / "import.out", folder / "import.err"
    started = time.perf_counter()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        child = subprocess.Popen(
            [*tuidang, "import", str(path), "--no-progress"], env=env, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - started
    peak = usage.ru_maxrss
    result = subprocess.CompletedProcess(
        child.args, os.waitstatus_to_exitcode(status), out_path.read_text(), err_path.read_text()
    )
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    check = subprocess.run([*tuidang, "tally", "--check"], env=env, capture_output=True, text=True)
    rows = int(result.stdout.split(": ")[1].split(" declaration")[0])
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mib": round(peak / 1024, 1),
        "tally_check_ok": check.returncode == 0,
        "summary": result.stdout.strip(),
    }


def postgres_database(server_url: str):
    import psycopg

    name = f"tuidang_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, f"{server_url.rstrip('/')}/{name}"


def drop_postgres(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url.rstrip('/')}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="working folder (default: temp)")
    parser.add_argument(
        "--postgres", default=None, help="also on PostgreSQL, e.g. postgres://postgres@127.0.0.1"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as temp:
        folder = Path(temp)
        path = folder / "batch.csv"
        load_start = os.getloadavg()
        t = time.perf_counter()
        write_csv(path, args.rows)
        generated = time.perf_counter() - t
        base = baseline(folder, args.rows)
        sqlite_import = run_import(folder, path, None)
        report = {
            "bench": "import",
            "rows": args.rows,
            "file_mib": round(path.stat().st_size / 2**20, 1),
            "generate_seconds": round(generated, 1),
            "baseline_sqlite3_executemany": base,
            "import_sqlite": sqlite_import,
            "ratio": round(sqlite_import["rows_per_s"] / base["rows_per_s"], 3),
            "target_ratio": 0.5,
        }
        if args.postgres:
            name, url = postgres_database(args.postgres)
            try:
                pg = run_import(folder, path, url)
            finally:
                drop_postgres(args.postgres, name)
            report["import_postgresql"] = pg
            report["ratio_postgresql"] = round(pg["rows_per_s"] / base["rows_per_s"], 3)
        report["loadavg_start"] = [round(x, 2) for x in load_start]
        report["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        report["cpus"] = os.cpu_count()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
