"""A real tuidang server (gunicorn, demo settings, its own SQLite data folder)
started in a subprocess on a free loopback port, for tests that must go
through the whole HTTP stack and then look at what is on disk."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

TUIDANG = [sys.executable, "-m", "tuidang.cli"]
PUBLISH_INTERVAL = 1


def subprocess_env(data_dir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TUIDANG_", "DJANGO_"))
    }
    env["TUIDANG_DATA_DIR"] = str(data_dir)
    env["TUIDANG_WORKERS"] = "1"
    # The rate limiter runs (so the scans of the data folder cover it) but never
    # refuses: load and crash tests post many declarations from 127.0.0.1.
    env["TUIDANG_RATE_LIMITS"] = "intake=1000000/600 receipt=1000000/600"
    # Publication batches every second, at whole seconds (the demo's 30 s
    # would make every test wait); the privacy scan checks file times against it.
    env["TUIDANG_PUBLISH_INTERVAL"] = str(PUBLISH_INTERVAL)
    return env


def run_tuidang(data_dir: Path, *args: str, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TUIDANG, "--demo", *args],
        env=subprocess_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def published_tally(data_dir: Path) -> dict:
    """The published totals of a data folder, read by a `tuidang` subprocess."""
    code = (
        "import json; from tuidang.transparency import published; "
        "print(json.dumps(published.latest()))"
    )
    return json.loads(run_tuidang(data_dir, "shell", "-v", "0", "-c", code).stdout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningServer:
    def __init__(self, data_dir: Path, env: dict | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*TUIDANG, "demo", "--port", str(self.port), "--seed", "0"],
            env={**subprocess_env(data_dir), **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "server did not start:\n" + self.log_path.read_text()
                    ) from None
                time.sleep(0.2)

    def tally(self) -> dict:
        return json.loads(urllib.request.urlopen(self.url + "/api/v1/tally", timeout=5).read())

    def wait_for_tree_size(self, size: int, timeout: float = 30) -> dict:
        """The published tally once the running sequencer reached `size`."""
        deadline = time.monotonic() + timeout
        while (tally := self.tally())["tree_size"] < size:
            if time.monotonic() > deadline:
                raise TimeoutError(f"tree size {tally['tree_size']}, waited for {size}")
            time.sleep(0.2)
        return tally

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


@pytest.fixture
def server(tmp_path):
    running = RunningServer(tmp_path / "data")
    yield running
    if running.process.poll() is None:
        running.stop()
