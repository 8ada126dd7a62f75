"""Benchmark of `tuidang import`; prints JSON.

Measures, in one run (these machines are noisy, so compare ratios):

* baseline: raw `sqlite3` `executemany` of the rows the import stores — one
  declaration, one person (for named rows) and one log entry per row — into the
  import's own tables (a database made by `tuidang init`: same columns,
  indexes, constraints, foreign keys), with the import connection's PRAGMAs
  (WAL, synchronous=FULL, foreign keys, the bulk page cache) and values of the
  same sizes; precomputed tuples, one transaction;
* import: rows/s of the real `tuidang import FILE` (parse, validate, seal with
  one file key per batch, receipts, counters, log entries; all or nothing) in a
  child process on a fresh data folder, from start to exit, its peak memory
  (max RSS), and `ratio` = import rows/s / baseline rows/s (target >= 0.5);
* optionally the same import on PostgreSQL (COPY), with --postgres URL (a
  database that is created and dropped by the bench).

Both report the database's bytes per row (after a WAL checkpoint), to show the
baseline stores as much as the import does.

    .venv/bin/python bench/import_bench.py [--rows 1000000] [--postgres URL]
    .venv/bin/python bench/import_bench.py --rows 2000000 --only baseline

16 million rows end to end: --rows 16000000 (about 2 GB of CSV in --dir; the
baseline holds all its tuples in memory, ≈ 0.6 KB a row: use --only import).
"""

from __future__ import annotations

import argparse
import csv
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


def _age_recipient() -> str:
    identity = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
    return next(
        line.split(": ")[1]
        for line in identity.stderr.splitlines() + identity.stdout.splitlines()
        if line.startswith("# public key: ") or line.startswith("Public key: ")
    )


def _environment(data: Path, recipient: str, database_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIDANG_", "DJANGO_"))}
    env.update(TUIDANG_DATA_DIR=str(data), TUIDANG_CUSTODIAN_RECIPIENTS=recipient)
    if database_url:
        env["TUIDANG_DATABASE_URL"] = database_url
    return env


TUIDANG = [sys.executable, "-m", "tuidang.cli", "--demo"]
# An age file sealed to one X25519 recipient: header (version line, one
# stanza, MAC line), 16-byte payload nonce, ciphertext + 16-byte tag.
AGE_OVERHEAD = len("age-encryption.org/v1\n") + (10 + 43 + 1 + 43 + 1) + (4 + 43 + 1) + 16 + 16


def _sealed_size(field: str, value: str) -> int:
    plaintext = json.dumps({"v": 1, field: value}, ensure_ascii=False).encode()
    return AGE_OVERHEAD + len(plaintext)


def sqlite_pragmas() -> list[str]:
    """The PRAGMAs of the import's connection: the app's (settings) and the
    bulk insert's (registry/bulk_rows.py)."""
    sys.path.insert(0, str(ROOT / "src"))
    from tuidang.registry.bulk_rows import SQLITE_BULK_PRAGMAS
    from tuidang.settings.base import database_from_url

    init = database_from_url("sqlite:///x.sqlite3")["OPTIONS"]["init_command"]
    return [p for p in init.split(";") if p.strip()] + list(SQLITE_BULK_PRAGMAS)


def columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]


def stored_rows(count: int, declaration_columns: list[str], person_columns: list[str]):
    """(declaration, person or None, log entry) tuples of the rows the import
    stores for `synthetic_rows(count)`, in those columns' order: accepted,
    with values of the import's sizes (hashes, encoded organisations, sealed
    values as long as the import's, the same log lines)."""

    def hex64() -> str:
        return os.urandom(32).hex()

    for i, row in enumerate(synthetic_rows(count)):
        orgs = sorted(row["organisations"].split())
        persons = 1 + int(row["unnamed_persons"] or 0) - (0 if row["naming"] else 1)
        true_name = 1 if row["naming"] == "true_name" else 0
        alias = 1 if row["naming"] == "alias" else 0
        commitment = hex64()
        by = "proxy" if row["by_proxy"] == "true" else "self"
        values = {
            "id": i + 1,
            "receipt_hash": hex64(),
            "receipt_commitment": commitment,
            "idempotency_hash": hex64(),
            "status": "accepted",
            "revoke_reason": "",
            "reject_reason": "",
            "reject_note": "",
            "day": row["day"],
            "organisations": "," + ",".join(orgs) + ",",
            "persons": persons,
            "channel": "import",
            "by_proxy": by == "proxy",
            "proxy_relationship": "",
            "group_id": None,
            "country": row["country"],
            "province": row["province"],
            "sector": "",
            "rank": "",
            "statement": "",
            "statement_state": "pending",
            "sealed_contact": (
                os.urandom(_sealed_size("contact", row["contact"])) if row["contact"] else None
            ),
            "unproven": False,
            "sealed_receipt_code": None,  # batch imports store none (registry/batch_intake.py)
        }
        person_row = None
        if row["naming"]:
            person = {
                "declaration_id": i + 1,
                "position": 0,
                "naming": row["naming"],
                "public_name": row["alias"] or row["true_name"],
                "public_name_latin": "",
                "sealed_identity": (
                    os.urandom(_sealed_size("true_name", row["true_name"]))
                    if row["true_name"]
                    else None
                ),
            }
            person_row = tuple(person[c] for c in person_columns)
        line = (
            f"declare {row['day']} orgs={','.join(orgs)} persons={persons} channel=import"
            f" by={by} true_name={true_name} alias={alias} place={row['province']}"
            f" receipt={commitment}"
        )
        yield tuple(values[c] for c in declaration_columns), person_row, (i, "declare", line, i + 1)


def split_tables(rows) -> tuple[list, list, list]:
    """`stored_rows` tuples as the three tables' rows (declarations, people, log entries)."""
    declarations, people, entries = [], [], []
    for declaration, person, entry in rows:
        declarations.append(declaration)
        if person is not None:
            people.append(person)
        entries.append(entry)
    return declarations, people, entries


def insert_tables(db: sqlite3.Connection, declarations, people, entries) -> None:
    """executemany per table, in the caller's transaction."""
    declaration_columns = columns(db, "registry_declaration")
    person_columns = [c for c in columns(db, "registry_person") if c != "id"]
    db.executemany(
        f"INSERT INTO registry_declaration ({','.join(declaration_columns)})"
        f" VALUES ({','.join('?' * len(declaration_columns))})",
        declarations,
    )
    db.executemany(
        f"INSERT INTO registry_person ({','.join(person_columns)})"
        f" VALUES ({','.join('?' * len(person_columns))})",
        people,
    )
    db.executemany(
        'INSERT INTO registry_logentry ("index", kind, line, declaration_id) VALUES (?,?,?,?)',
        entries,
    )


def baseline(folder: Path, count: int) -> dict:
    """Raw sqlite3 executemany of the rows the import stores, in the import's
    own tables: a database made by `tuidang init` (same columns, indexes,
    constraints and foreign keys), the same PRAGMAs, values of the same sizes
    (`stored_rows`); precomputed tuples, one transaction, executemany per table."""
    data = folder / "baseline-data"
    env = _environment(data, _age_recipient(), None)
    subprocess.run([*TUIDANG, "init"], env=env, check=True, capture_output=True)
    db = sqlite3.connect(data / "tuidang.sqlite3", isolation_level=None)
    for pragma in sqlite_pragmas():
        db.execute(pragma)
    person_columns = [c for c in columns(db, "registry_person") if c != "id"]
    declarations, people, entries = split_tables(
        stored_rows(count, columns(db, "registry_declaration"), person_columns)
    )
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    insert_tables(db, declarations, people, entries)
    db.execute("COMMIT")
    seconds = time.perf_counter() - started
    db.close()
    return {
        "rows": count,
        "seconds": round(seconds, 3),
        "rows_per_s": round(count / seconds),
        "database_bytes_per_row": _database_bytes(data) // count,
        "loadavg": _load(),
    }


def run_baseline(folder: Path, count: int) -> dict:
    """The baseline in a process of its own: it holds every row in memory, and
    a child forked from a big process would report that memory as its own peak
    (Linux keeps the high-water mark across fork and exec)."""
    done = subprocess.run(
        [sys.executable, __file__, "--rows", str(count), "--baseline-in", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _database_bytes(data: Path) -> int:
    db = sqlite3.connect(data / "tuidang.sqlite3")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    return pages * size


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_import(folder: Path, path: Path, database_url: str | None) -> dict:
    """`tuidang import` in a child process on a fresh data folder."""
    data = folder / f"data-{uuid.uuid4().hex[:6]}"
    env = _environment(data, _age_recipient(), database_url)
    subprocess.run([*TUIDANG, "init"], env=env, check=True, capture_output=True)
    out_path, err_path = folder / "import.out", folder / "import.err"
    started = time.perf_counter()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        child = subprocess.Popen(
            [*TUIDANG, "import", str(path), "--no-progress"], env=env, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(child.pid, 0)  # this child's own peak memory
    seconds = time.perf_counter() - started
    load = _load()
    peak = usage.ru_maxrss
    result = subprocess.CompletedProcess(
        child.args, os.waitstatus_to_exitcode(status), out_path.read_text(), err_path.read_text()
    )
    if result.returncode != 0:
        raise SystemExit(result.stdout + result.stderr)
    check = subprocess.run([*TUIDANG, "tally", "--check"], env=env, capture_output=True, text=True)
    rows = int(result.stdout.split(": ")[1].split(" declaration")[0])
    report = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mib": round(peak / 1024, 1),
        "tally_check_ok": check.returncode == 0,
        "summary": result.stdout.strip(),
        "loadavg": load,
    }
    if not database_url:
        report["database_bytes_per_row"] = _database_bytes(data) // rows
    return report


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
    parser.add_argument("--only", choices=["baseline", "import"], help="run only one side")
    parser.add_argument("--baseline-in", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_in:  # the baseline's own process (see run_baseline)
        print(json.dumps(baseline(args.baseline_in, args.rows)))
        return
    with tempfile.TemporaryDirectory(dir=args.dir) as temp:
        folder = Path(temp)
        path = folder / "batch.csv"
        report = {"bench": "import", "rows": args.rows, "cpus": os.cpu_count()}
        report["loadavg_start"] = _load()
        if args.only != "baseline":
            t = time.perf_counter()
            write_csv(path, args.rows)
            report["file_mib"] = round(path.stat().st_size / 2**20, 1)
            report["generate_seconds"] = round(time.perf_counter() - t, 1)
        if args.only != "import":
            report["baseline_sqlite3_executemany"] = base = run_baseline(folder, args.rows)
        if args.only != "baseline":
            report["import_sqlite"] = sqlite_import = run_import(folder, path, None)
        if not args.only:
            report["ratio"] = round(sqlite_import["rows_per_s"] / base["rows_per_s"], 3)
            report["target_ratio"] = 0.5
        if args.postgres and args.only != "baseline":
            name, url = postgres_database(args.postgres)
            try:
                pg = run_import(folder, path, url)
            finally:
                drop_postgres(args.postgres, name)
            report["import_postgresql"] = pg
            if not args.only:
                report["ratio_postgresql"] = round(pg["rows_per_s"] / base["rows_per_s"], 3)
        report["loadavg_end"] = _load()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
