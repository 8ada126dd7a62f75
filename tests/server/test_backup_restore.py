"""`tuidang backup` and `tuidang restore`, on the suite's database engine (a
demo data folder on SQLite, or a fresh PostgreSQL database with pg_dump): a
restore gives back the same counters and a log that verifies; a backup older
than the published checkpoint is refused unless told to; a damaged backup is
refused."""

import subprocess
import uuid

import psycopg
import pytest
from django.conf import settings

from tuidang.ledger.client import DirectorySource
from tuidang.ledger.verify import verify_log

from .conftest import TUIDANG, subprocess_env


@pytest.fixture
def instance(tmp_path):
    """A demo data folder, on a fresh PostgreSQL database in the PostgreSQL run."""
    data = tmp_path / "data"
    env = subprocess_env(data)
    config = settings.DATABASES["default"]
    name = None
    if config["ENGINE"].endswith("postgresql"):
        name = f"tuidang_backup_{uuid.uuid4().hex[:8]}"
        server = f"postgres://{config['USER']}@{config['HOST']}:{config['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["TUIDANG_DATABASE_URL"] = f"{server}/{name}"

    def run(*args, check=True):
        result = subprocess.run(
            [*TUIDANG, "--demo", *args], env=env, capture_output=True, text=True, timeout=300
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    run("demo", "--data", str(data), "--no-serve", "--seed", "40")
    run.data = data
    yield run
    if name:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _more(run, count, seed):
    run("shell", "-c", f"from tuidang.server import demo_data; demo_data.seed({count}, {seed})")
    run("sequencer", "--once")


def _totals(run):
    return run("tally").stdout


def test_a_backup_restores_the_same_counters_and_a_log_that_verifies(instance, tmp_path):
    before = _totals(instance)
    instance("backup", str(tmp_path / "b1"))
    vkey = (tmp_path / "b1" / "keys" / "log-verifier-key.txt").read_text().strip()
    verify_log(DirectorySource(tmp_path / "b1" / "log"), vkey)
    instance("shell", "-c", "from tuidang.server import demo_data; demo_data.seed(5, 9)")
    # Declarations not yet published are lost with the restore, and that is allowed.
    result = instance("restore", str(tmp_path / "b1"))
    assert "counters match" in result.stdout
    assert _totals(instance) == before
    assert "All counters match" in instance("tally", "--check").stdout
    verify_log(DirectorySource(instance.data / "log"), vkey)
    _more(instance, 5, 11)  # the sequencer goes on from the restored log
    verify_log(DirectorySource(instance.data / "log"), vkey)


def test_a_backup_older_than_the_published_checkpoint_is_refused_unless_told(instance, tmp_path):
    instance("backup", str(tmp_path / "old"))
    _more(instance, 10, 3)
    published = (instance.data / "log" / "checkpoint").read_bytes()
    refused = instance("restore", str(tmp_path / "old"), check=False)
    assert refused.returncode != 0 and "would take the log back" in refused.stderr
    assert (instance.data / "log" / "checkpoint").read_bytes() == published
    # The log folder may be lost with the server: a mirror's checkpoint still says no.
    mirror = tmp_path / "mirror-checkpoint"
    mirror.write_bytes(published)
    instance("backup", str(tmp_path / "new"))
    refused = instance("restore", str(tmp_path / "old"), "--checkpoint", str(mirror), check=False)
    assert refused.returncode != 0 and "would take the log back" in refused.stderr
    instance("restore", str(tmp_path / "new"), "--checkpoint", str(mirror))
    forced = instance("restore", str(tmp_path / "old"), "--allow-older")
    assert "WARNING" in forced.stderr
    assert "All counters match" in instance("tally", "--check").stdout


def test_a_damaged_backup_or_a_full_folder_is_refused_and_no_secret_key_is_copied(
    instance, tmp_path
):
    instance("backup", str(tmp_path / "b"))
    names = {p.name for p in (tmp_path / "b").rglob("*")}
    assert not any("signing-key" in n or "identity" in n or "secret" in n for n in names)
    tile = next(p for p in (tmp_path / "b" / "log" / "tile").rglob("*") if p.is_file())
    data = tile.read_bytes()
    tile.write_bytes(bytes([data[0] ^ 1]) + data[1:])
    refused = instance("restore", str(tmp_path / "b"), check=False)
    assert refused.returncode != 0 and "missing or damaged" in refused.stderr
    refused = instance("backup", str(tmp_path / "b"), check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr
