"""The server killed with SIGKILL at random moments while clients post
declarations and an operator accepts them, many times: after every restart
each declaration whose response was received is there exactly once (a retry
with its key is a replay, with the same receipt code), every request whose
answer was cut off gets a receipt code when retried (the same declaration's,
if it was stored), and at the end `tally --check` passes and the log
verifies, consistent with every checkpoint seen before a kill.

The whole process group goes down at once: gunicorn's master, its workers,
the sequencer it started, and the `accept --all` running beside them."""

import http.client
import json
import os
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from tuidang.ledger.client import DirectorySource
from tuidang.ledger.verify import verify_log
from tuidang.server.management.commands.serve import CONFIG

from .conftest import TUIDANG, free_port, published_tally, run_tuidang, subprocess_env

pytestmark = pytest.mark.server

KILLS = 8
CLIENTS = 4
BODY = {
    "organisations": ["party", "league"],
    "people": [{"naming": "generated_alias", "true_name": "压力测试"}],
    "unnamed_persons": 1,
    "country": "CN",
    "province": "CN-YN",
}


def _post(url: str, key: str) -> dict:
    request = urllib.request.Request(
        url + "/api/v1/declarations",
        data=json.dumps(BODY).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return {**json.loads(response.read()), "http": response.status}


ACCEPTER = (
    "import time\n"
    "from tuidang.registry import transitions\n"
    "from tuidang.registry.models import Declaration\n"
    "received = Declaration.objects.filter(status='received')\n"
    "while True:\n"
    "    for pk in received.values_list('pk', flat=True)[:50]:\n"
    "        transitions.accept(pk)\n"
    "    time.sleep(0.05)\n"
)


class Server:
    """gunicorn (with its sequencer) and an operator accepting every received
    declaration, in one new session, so one killpg takes them all down."""

    def __init__(self, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        python = " ".join(shlex.quote(part) for part in TUIDANG)
        # gunicorn as `tuidang serve` runs it, without the deploy checks before it.
        gunicorn = shlex.join([sys.executable, "-m", "gunicorn", "-c", CONFIG, "tuidang.wsgi"])
        script = (
            f"TUIDANG_BIND=127.0.0.1:{self.port} DJANGO_SETTINGS_MODULE=tuidang.settings.demo "
            f"{gunicorn} & {python} --demo shell -c {shlex.quote(ACCEPTER)} & wait"
        )
        self.process = subprocess.Popen(
            ["sh", "-c", script],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.group = self.process.pid
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/v1/tally", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def kill(self):
        try:
            os.killpg(self.group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()


def _refused(error: BaseException) -> bool:
    """Whether the connection was refused: the request never reached a server."""
    return isinstance(error, ConnectionRefusedError) or isinstance(
        getattr(error, "reason", None), ConnectionRefusedError
    )


def _load(
    url: str,
    prefix: str,
    acknowledged: list,
    codes: dict,
    cut_off: list,
    wrong: list,
    stop: threading.Event,
):
    number = 0
    while not stop.is_set():
        key = f"{prefix}-{number}"
        number += 1
        try:
            answer = _post(url, key)
        except (OSError, ValueError, http.client.HTTPException) as error:
            # No (whole) answer: the declaration may or may not be there; the
            # next round retries it, unless it never reached the server.
            if not _refused(error):
                cut_off.append(key)
            continue
        if answer["http"] == 201 and answer["receipt_code"]:
            codes[key] = answer["receipt_code"]
            acknowledged.append(key)
        else:
            wrong.append(answer)


def test_sigkill_under_http_load_loses_and_doubles_nothing(tmp_path):
    data = tmp_path / "data"
    run_tuidang(data, "demo", "--data", str(data), "--no-serve", "--seed", "0")
    vkey = run_tuidang(data, "keys", "log-signing").stdout.strip()
    env = {
        **subprocess_env(data),
        "TUIDANG_WORKERS": "2",
        "TUIDANG_SEQUENCER_BATCH": "5",
        "TUIDANG_RATE_LIMITS": "off",  # the load comes from one address
    }
    rng = random.Random(6)
    acknowledged: list[str] = []
    codes: dict[str, str] = {}  # receipt code of each acknowledged key
    cut_off: list[str] = []  # keys whose answer was lost, not retried yet
    stored_cut_off = 0  # of those retried, how many had been stored
    wrong: list[dict] = []
    checkpoints: list[bytes] = []
    for round_ in range(KILLS):
        server = Server(env)
        stop = threading.Event()
        clients = [
            threading.Thread(
                target=_load,
                args=(server.url, f"r{round_}c{c}", acknowledged, codes, cut_off, wrong, stop),
                daemon=True,
            )
            for c in range(CLIENTS)
        ]
        try:
            # Every declaration acknowledged before the last kill is still there, once
            # (these also warm both workers up before the load).
            for key in rng.sample(acknowledged, min(5, len(acknowledged))):
                answer = _post(server.url, key)
                assert answer["replayed"] is True and answer["receipt_code"] == codes[key], key
            # Every request of the last round whose answer was cut off gets a
            # code now: its own if it was stored, a new one if it was not.
            for key in cut_off:
                answer = _post(server.url, key)
                assert answer["receipt_code"], (key, answer)
                stored_cut_off += answer["replayed"]
                codes[key] = answer["receipt_code"]
                acknowledged.append(key)
            cut_off.clear()
            warm_up = _post(server.url, f"r{round_}-warm-up")
            assert warm_up["receipt_code"], warm_up
            before = len(acknowledged)
            for client in clients:
                client.start()
            # Under load (at least a few answers in), then a random moment.
            deadline = time.monotonic() + 30
            while len(acknowledged) < before + 10 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 1.5))
        finally:
            server.kill()  # mid-request, mid-accept, mid-sequencer
            stop.set()
        for client in clients:
            client.join()
        if (data / "log" / "checkpoint").exists():
            checkpoints.append((data / "log" / "checkpoint").read_bytes())
    assert wrong == []
    assert len(acknowledged) >= 10 * KILLS, len(acknowledged)
    print(f"{stored_cut_off} requests stored with their answer cut off, retried with their code")
    acknowledged += [f"r{n}-warm-up" for n in range(KILLS)]

    keys = json.dumps(acknowledged)
    counted = run_tuidang(
        data,
        "shell",
        "-v",
        "0",
        "-c",
        "import json, sys; from tuidang.registry.intake import _idempotency_hash;"
        "from tuidang.registry.models import Declaration;"
        f"keys = json.loads({keys!r});"
        "hashes = [_idempotency_hash('api:' + k) for k in keys];"
        "found = Declaration.objects.filter(idempotency_hash__in=hashes);"
        "distinct = found.values('idempotency_hash').distinct().count();"
        "print(len(set(hashes)), found.count(), distinct)",
    ).stdout.split()
    assert counted[0] == counted[1] == counted[2] == str(len(acknowledged))

    run_tuidang(data, "accept", "--all", check=False)  # fails if none is left: fine
    run_tuidang(data, "sequencer", "--once")
    assert "All counters match" in run_tuidang(data, "tally", "--check").stdout
    published = published_tally(data)
    for earlier in checkpoints:
        verify_log(DirectorySource(data / "log"), vkey, since=earlier)
    result = verify_log(DirectorySource(data / "log"), vkey, tally=published)
    assert result.checkpoint.size >= len(acknowledged)
