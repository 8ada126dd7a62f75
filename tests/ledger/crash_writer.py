"""A log writer that appends until it is killed: the child process of
test_crash.py.  Usage: python crash_writer.py LOG_DIR HISTORY_FILE"""

from __future__ import annotations

import hashlib
import os
import random
import sys

from tuidang.ledger.entries import Declaration
from tuidang.ledger.sequencer import LogWriter


def entry_at(index: int) -> bytes:
    """The entry every run appends at ``index`` (so loss or doubling shows)."""
    receipt = hashlib.sha256(b"crash test %d" % index).hexdigest().encode()
    return _TEMPLATE % (1 + index % 3, receipt)


_TEMPLATE = Declaration("2026-11-25", ("party",), 9, "web", "self", 0, 0, "-", "0" * 64).encode()
_TEMPLATE = _TEMPLATE.replace(b"persons=9", b"persons=%d").replace(b"0" * 64, b"%s")


def main(directory: str, history: str) -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from helpers import make_signer

    writer = LogWriter.open(directory, make_signer())
    rng = random.Random(os.getpid())
    print("ready", flush=True)
    while True:
        size = writer.size
        count = rng.choice([1, 3, 100, 255, 256, 257, 600])
        writer.append([entry_at(i) for i in range(size, size + count)], size)
        record = writer.signed_checkpoint
        with open(history, "ab") as f:
            f.write(len(record).to_bytes(4, "big") + record)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
