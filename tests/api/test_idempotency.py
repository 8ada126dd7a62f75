"""Idempotency keys under concurrency: several processes retrying the same keys
at the same moment, on the suite's database engine (a fresh SQLite file, or a
fresh PostgreSQL database on the same server), store each key once, and the
counters, the log and the published totals stay exact while they, a bulk
import and the sequencer cutting batches run together.

A replay returns the first declaration with the same receipt code, opened with
the retry's key (docs/scaling.md, "Retries"): every process that sent a key got
that key's one code."""

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.processes import process_env

from ..importing.helpers import row, write_csv

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    """A migrated database that separate processes share, on the suite's engine."""
    folder = tmp_path_factory.mktemp("shared")
    config = settings.DATABASES["default"]
    if config["ENGINE"].endswith("postgresql"):
        name = f"tuidang_concurrency_{uuid.uuid4().hex[:8]}"
        server = f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    else:
        name, server, url = None, None, f"sqlite:///{folder / 'shared.sqlite3'}"
    yield url, folder
    if name:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _run(shared, recipient, mode, *args, start=0.0):
    url, folder = shared
    return subprocess.Popen(
        [sys.executable, "-m", "tests.api.concurrent_worker", mode, str(start), *args],
        cwd=ROOT,
        env=process_env(url, folder, recipient),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def migrated(shared_database, custodian_identity):
    url, folder = shared_database
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "0"],
        cwd=ROOT,
        env=process_env(url, folder, str(custodian_identity.to_public())),
        check=True,
        timeout=300,
    )
    return shared_database


def test_concurrent_retries_with_the_same_key_store_and_count_it_once(migrated, custodian_identity):
    recipient = str(custodian_identity.to_public())
    shared_keys = [f"api:retry-{i}" for i in range(15)]
    start = time.time() + 4  # every process has started Django by then
    workers = [
        _run(
            migrated,
            recipient,
            "declare",
            *(shared_keys[n % 3 :] + shared_keys[: n % 3]),  # each in another order
            *[f"api:own-{n}-{i}" for i in range(10)],
            start=start,
        )
        for n in range(PROCESSES)
    ]
    results = [_result(worker) for worker in workers]
    by_key: dict[str, set[int]] = {}
    codes: dict[str, set[str | None]] = {}
    for result in results:
        for key, declaration_id, _replayed, code in result["results"]:
            by_key.setdefault(key, set()).add(declaration_id)
            codes.setdefault(key, set()).add(code)
    assert all(len(ids) == 1 for ids in by_key.values()), "a key got two declarations"
    assert all(len(got) == 1 and None not in got for got in codes.values()), codes
    everything = [entry for result in results for entry in result["results"]]
    stored_first = [
        sum(not replayed for key, _, replayed, _code in everything if key == shared)
        for shared in shared_keys
    ]
    assert stored_first == [1] * len(shared_keys)
    check = _result(_run(migrated, recipient, "check"))
    assert check["tally"] == [] and check["log"] == [] and check["indices_gapless"]
    expected = len(shared_keys) + PROCESSES * 10
    assert check["declarations"] == expected and check["persons"] == 2 * expected


def test_counters_stay_exact_while_processes_declare_and_a_batch_imports(
    migrated, custodian_identity, tmp_path
):
    recipient = str(custodian_identity.to_public())
    before = _result(_run(migrated, recipient, "check"))
    batch = write_csv(tmp_path / "batch.csv", [row(f"C{i}", unnamed_persons=2) for i in range(300)])
    start = time.time() + 4
    workers = [
        _run(migrated, recipient, "declare", *[f"hotline:{n}-{i}" for i in range(15)], start=start)
        for n in range(PROCESSES - 1)
    ]
    workers.append(_run(migrated, recipient, "import", str(batch), start=start))
    # The sequencer cuts batches all the while (its counters' lock against the
    # acceptances): every published total must be the log's.
    sequencer = _run(migrated, recipient, "sequence", "6", start=start)
    results = [_result(worker) for worker in workers]
    assert results[-1] == {"accepted": 300, "errors": 0}
    assert _result(sequencer)["passes"] > 1
    check = _result(_run(migrated, recipient, "check"))
    assert check["tally"] == [] and check["log"] == [] and check["indices_gapless"]
    assert check["published_is_the_log"]
    new = (PROCESSES - 1) * 15
    assert check["declarations"] == before["declarations"] + new + 300
    assert check["persons"] == before["persons"] + 2 * new + 3 * 300
