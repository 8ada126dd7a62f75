"""The sequencer killed with SIGKILL at random moments, many times, while it
publishes in small batches: after every restart no entry is lost or doubled,
the tiles verify, each checkpoint is consistent with every earlier one, and
the published totals match the log."""

import os
import random
import signal
import subprocess
import time

import pytest

from tuidang.ledger.client import DirectorySource
from tuidang.ledger.verify import verify_log

from .conftest import TUIDANG, published_tally, run_tuidang, subprocess_env

pytestmark = pytest.mark.server

KILLS = 12


def tree_size(data) -> int:
    return int((data / "log" / "checkpoint").read_bytes().split(b"\n")[1])


def test_sigkill_at_random_points_loses_and_doubles_nothing(tmp_path):
    data = tmp_path / "data"
    run_tuidang(data, "demo", "--data", str(data), "--no-serve", "--seed", "0")  # empty log
    # 400 declarations wait in the database; the sequencer has not run since.
    seed = subprocess.run(
        [
            *TUIDANG,
            "--demo",
            "shell",
            "-c",
            "from tuidang.server import demo_data; demo_data.seed(400, seed_value=7)",
        ],
        env=subprocess_env(data),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert seed.returncode == 0, seed.stderr
    vkey = run_tuidang(data, "keys", "log-signing").stdout.strip()
    env = {**subprocess_env(data), "TUIDANG_SEQUENCER_BATCH": "7"}
    rng = random.Random(2026)
    total = int(
        run_tuidang(
            data,
            "shell",
            "-v",
            "0",
            "-c",
            "from tuidang.registry import tally; print(tally.counter('entries', ''))",
        ).stdout
    )
    checkpoints: list[bytes] = []
    for _ in range(KILLS):
        before = tree_size(data)
        process = subprocess.Popen(
            [*TUIDANG, "--demo", "sequencer", "--interval", "0.01"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # Kill at a random moment once it is appending (start-up time varies with load).
        deadline = time.monotonic() + 60
        while tree_size(data) == before and tree_size(data) < total and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        checkpoint = (data / "log" / "checkpoint").read_bytes()
        for earlier in checkpoints:
            verify_log(DirectorySource(data / "log"), vkey, since=earlier)
        checkpoints.append(checkpoint)
    sizes = [int(c.split(b"\n")[1]) for c in checkpoints]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0], sizes

    run_tuidang(data, "sequencer", "--once")
    published = published_tally(data)
    result = verify_log(DirectorySource(data / "log"), vkey, since=checkpoints[0], tally=published)
    assert result.checkpoint.size == published["totals"]["entries"]
    assert "All counters match" in run_tuidang(data, "tally", "--check").stdout
