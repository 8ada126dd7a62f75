"""The call queue under concurrent callers: separate processes ask for next
calls at the same moment against one database on the suite's engine (a fresh
SQLite file, or a fresh PostgreSQL database on the same server). No target is
handed out twice, every callable target is handed out, none outside its
window, and one caller asking twice at once gets one target, not two."""

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

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 6
OPEN_TARGETS = 60
# Wednesday 10:00 in Shanghai (open), 22:00 the evening before in New York (closed).
NOW = "2026-06-10T02:00:00+00:00"


@pytest.fixture
def shared(tmp_path, custodian_identity):
    """A fresh migrated database that separate processes share, and how to run one."""
    config = settings.DATABASES["default"]
    name = server = None
    if config["ENGINE"].endswith("postgresql"):
        name = f"tuidang_queue_{uuid.uuid4().hex[:8]}"
        server = f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    env = process_env(url, tmp_path, str(custodian_identity.to_public()))
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )

    def run(mode, *args, start=0.0):
        return subprocess.Popen(
            [sys.executable, "-m", "tests.campaigns.queue_worker", mode, str(start), NOW, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    yield run
    if name:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _result(process) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_concurrent_callers_never_get_the_same_target(shared):
    callable_ids = _result(shared("setup", str(OPEN_TARGETS), str(PROCESSES)))["open"]
    start = time.time() + 4  # every process has started Django by then
    workers = [shared("drain", f"caller-{n}", start=start) for n in range(PROCESSES)]
    by_worker = [_result(worker)["taken"] for worker in workers]
    assert sum(bool(pks) for pks in by_worker) > 1, "the callers did not run together"
    taken = [pk for pks in by_worker for pk in pks]
    assert len(taken) == len(set(taken)), "a target was handed out twice"
    # Every target open at that moment, and none of the closed zone.
    assert sorted(taken) == callable_ids


def test_one_caller_asking_from_several_processes_at_once_gets_one_target(shared):
    _result(shared("setup", str(OPEN_TARGETS), "1"))
    start = time.time() + 4
    workers = [shared("once", "caller-0", start=start) for _ in range(PROCESSES)]
    results = [_result(worker) for worker in workers]
    assert sum(result["target"] is not None for result in results) == 1
    assert sum(result["refused"] for result in results) == PROCESSES - 1
