"""Deterministic generator of the golden log in tests/ledger/golden/.

Fixed key (derived from a fixed seed at run time), fixed entries, fixed
batches: any change to the entry, tile, bundle, checkpoint or totals format
shows up as a diff of that directory.  Regenerate it, after an intended
format change, with:

    PYTHONPATH=src python tests/ledger/golden_log.py
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys

from tuidang.ledger.entries import CHANNELS, Declaration, Revocation
from tuidang.ledger.sequencer import LogWriter
from tuidang.ledger.totals import compute_totals

GOLDEN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
BATCHES = [1, 2, 260, 37]
ORGS = [
    ("party",),
    ("league",),
    ("pioneers",),
    ("league", "party"),
    ("league", "party", "pioneers"),
]
PLACES = ["CN-GD", "CN-BJ", "CN", "-", "US", "CN-SC", "TW"]


def golden_entries() -> list[bytes]:
    """300 entries made by arithmetic alone (no random module)."""
    entries = []
    for i in range(sum(BATCHES)):
        if i % 17 == 16:
            entries.append(Revocation(f"2026-12-{1 + i % 28:02d}", i - 7, "duplicate").encode())
            continue
        persons = 1 + i % 4
        true_name = i % (persons + 1)
        alias = (i // 3) % (persons - true_name + 1)
        receipt = hashlib.sha256(b"golden receipt %d" % i).hexdigest()
        entries.append(
            Declaration(
                f"2026-11-{1 + i % 30:02d}",
                ORGS[i % 5],
                persons,
                CHANNELS[i % len(CHANNELS)],
                "proxy" if i % 3 == 0 else "self",
                true_name,
                alias,
                PLACES[i % len(PLACES)],
                receipt,
            ).encode()
        )
    return entries


def generate(directory: str) -> None:
    """Write the golden log, its verifier key and its totals to ``directory``."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from helpers import make_signer

    signer = make_signer()
    entries = golden_entries()
    with LogWriter.open(directory, signer) as writer:
        size = 0
        for count in BATCHES:
            size = writer.append(entries[size : size + count], size)
    os.remove(os.path.join(directory, ".lock"))
    with open(os.path.join(directory, "vkey"), "w") as f:
        f.write(signer.verifier.key_string() + "\n")
    with open(os.path.join(directory, "totals.json"), "w") as f:
        json.dump(compute_totals(entries), f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    shutil.rmtree(GOLDEN_DIR, ignore_errors=True)
    generate(GOLDEN_DIR)
    print(f"wrote {GOLDEN_DIR}")
