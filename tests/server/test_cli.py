"""The `tuidang` command from outside: init a demo folder, check the tally,
and see the check fail when a counter is tampered with; the commands the demo
prints work as printed, on the demo's own data folder."""

import shlex
import sqlite3
import subprocess

import pytest

from .conftest import TUIDANG, run_tuidang, subprocess_env

TUIDANG_SCRIPT = ".venv/bin/tuidang"

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


def printed_commands(output: str) -> list[str]:
    """Each command line the demo printed, from `.venv/bin/tuidang` on."""
    return [
        line[line.index(TUIDANG_SCRIPT) :] for line in output.splitlines() if TUIDANG_SCRIPT in line
    ]


def received(data) -> int:
    with sqlite3.connect(data / "tuidang.sqlite3") as db:
        query = "SELECT count(*) FROM registry_declaration WHERE status = 'received'"
        return db.execute(query).fetchone()[0]


def test_every_command_the_demo_prints_names_its_data_folder(tmp_path):
    data = tmp_path / "demo data"  # with a space: the printed folder must be quoted
    demo = run_tuidang(
        data, "demo", "--data", str(data), "--no-serve", "--seed", "5", "--port", "8123"
    )
    commands = printed_commands(demo.stdout)
    assert len(commands) >= 3, demo.stdout
    for command in commands:
        words = shlex.split(command)
        if words[1:3] == ["log", "verify"]:  # from outside: the URL, no data folder
            assert words[3] == "http://127.0.0.1:8123/log" and words[4] == "--vkey"
            continue
        assert words[1] == "--demo" and words[2:4] == ["--data", str(data)], command
    # The printed `accept --all` acts on that folder, run from anywhere else
    # (where ./data would be another folder) and without TUIDANG_DATA_DIR.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = subprocess_env(data)
    del env["TUIDANG_DATA_DIR"]
    (accept,) = [c for c in commands if c.endswith(" accept --all")]
    waiting = received(data)
    result = subprocess.run(
        [*TUIDANG, *shlex.split(accept)[1:]],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if waiting:
        assert result.returncode == 0 and f"Accepted {waiting} declaration(s)." in result.stdout
    else:  # every seeded declaration happened to be decided already
        assert "Name declaration ids" in result.stderr
    assert received(data) == 0
    assert not (elsewhere / "data").exists()


def test_the_demo_in_its_default_folder_prints_commands_without_data(tmp_path):
    env = subprocess_env(tmp_path / "data")
    del env["TUIDANG_DATA_DIR"]
    demo = subprocess.run(
        [*TUIDANG, "demo", "--no-serve", "--seed", "1"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert (tmp_path / "data" / "tuidang.sqlite3").exists()
    commands = printed_commands(demo.stdout)
    assert f"{TUIDANG_SCRIPT} --demo accept --all" in commands
    assert all("--data" not in command for command in commands)


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
