"""The `tuidang` command from outside: init a demo folder, check the tally,
and see the check fail when a counter is tampered with."""

import sqlite3

import pytest

from .conftest import run_tuidang

pytestmark = pytest.mark.server


def test_tally_check_passes_on_a_seeded_demo_and_fails_after_tampering(tmp_path):
    data = tmp_path / "data"
    run_tuidang(data, "demo", "--data", str(data), "--no-serve", "--seed", "30")
    assert (data / "tuidang.sqlite3").exists()
    assert oct((data / "DEMO-ONLY-custodian-identity.txt").stat().st_mode & 0o777) == "0o600"
    good = run_tuidang(data, "tally", "--check")
    assert "All counters match" in good.stdout

    with sqlite3.connect(data / "tuidang.sqlite3") as db:
        db.execute("UPDATE registry_tally SET count = count + 1 WHERE dimension = 'channel'")
    bad = run_tuidang(data, "tally", "--check", check=False)
    assert bad.returncode != 0
    assert "counter" in bad.stderr and "rows" in bad.stderr


def test_the_database_is_in_wal_mode_with_full_sync(tmp_path):
    data = tmp_path / "data"
    run_tuidang(data, "init", "--demo-keys")
    with sqlite3.connect(data / "tuidang.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    import subprocess
    import sys

    from .conftest import subprocess_env

    result = subprocess.run(
        [sys.executable, "-m", "tuidang.cli", "check"],
        env=subprocess_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TUIDANG_SECRET_KEY" in result.stderr and "--demo" in result.stderr
    assert "Traceback" not in result.stderr  # a clear line, not a stack


def test_production_settings_pass_the_deploy_checks(tmp_path):
    import secrets
    import subprocess
    import sys

    import pyrage

    from .conftest import subprocess_env

    env = subprocess_env(tmp_path)
    env.update(
        TUIDANG_SECRET_KEY=secrets.token_urlsafe(50),
        TUIDANG_ALLOWED_HOSTS="registry.example.org",
        TUIDANG_CUSTODIAN_RECIPIENTS=str(pyrage.x25519.Identity.generate().to_public()),
    )
    result = subprocess.run(
        [sys.executable, "-m", "tuidang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
