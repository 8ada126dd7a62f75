"""Crash safety of the sequencer: a writer in a subprocess is killed with
SIGKILL at random points, many times; after each kill the log must reopen
with no entry lost or doubled, verify completely, and its checkpoint must be
consistent with every checkpoint published before."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import tuidang.ledger
from tuidang.ledger.client import DirectorySource
from tuidang.ledger.tiles import TILE_WIDTH, Tile, decode_bundle
from tuidang.ledger.verify import check_consistency, verify_log

from .crash_writer import entry_at
from .helpers import make_signer

KILLS = 30
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(tuidang.ledger.__file__))))


def recorded_checkpoints(history: str) -> list[bytes]:
    """Checkpoints the writer recorded (a record cut by the kill is dropped)."""
    try:
        data = open(history, "rb").read()
    except FileNotFoundError:
        return []
    records, pos = [], 0
    while pos + 4 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        if pos + 4 + length > len(data):
            break
        records.append(data[pos + 4 : pos + 4 + length])
        pos += 4 + length
    return records


def stored_entries(source: DirectorySource, size: int) -> list[bytes]:
    entries = []
    for index in range((size + TILE_WIDTH - 1) // TILE_WIDTH):
        width = min(TILE_WIDTH, size - index * TILE_WIDTH)
        entries += decode_bundle(source.fetch(Tile(-1, index, width).path()), width)
    return entries


def test_a_writer_killed_at_random_points_30_times_loses_and_doubles_nothing(tmp_path):
    log, history = str(tmp_path / "log"), str(tmp_path / "history")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]))
    rng = random.Random(2026)
    signer = make_signer()
    source = DirectorySource(log)
    sizes = []
    checked = 0
    expected: list[bytes] = []
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "crash_writer.py"), log, history],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.12))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()

        result = verify_log(source, signer.verifier)
        size = result.checkpoint.size
        expected += [entry_at(i) for i in range(len(expected), size)]
        assert stored_entries(source, size) == expected[:size]
        records = recorded_checkpoints(history)
        for earlier in records[checked:]:  # the ones published since the last kill
            check_consistency(source, signer.verifier, result.checkpoint, earlier)
        checked = len(records)
        sizes.append(size)
    assert sizes == sorted(sizes) and sizes[-1] > 0
    for earlier in recorded_checkpoints(history):  # and all of them with the last
        check_consistency(source, signer.verifier, result.checkpoint, earlier)
