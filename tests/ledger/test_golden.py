"""The golden log: a format change must show up as a diff of
tests/ledger/golden/ (regenerate with tests/ledger/golden_log.py)."""

from __future__ import annotations

import json
import os

from tuidang.ledger.client import DirectorySource
from tuidang.ledger.storage import DirectoryStore
from tuidang.ledger.verify import verify_log

from .golden_log import GOLDEN_DIR, generate


def test_the_generator_reproduces_the_committed_golden_log_byte_for_byte(tmp_path):
    generate(str(tmp_path))
    committed, fresh = DirectoryStore(GOLDEN_DIR), DirectoryStore(tmp_path)
    assert fresh.list_files() == committed.list_files()
    for path in committed.list_files():
        assert fresh.read(path) == committed.read(path), path


def test_the_committed_golden_log_verifies_and_recounts_to_its_totals():
    with open(os.path.join(GOLDEN_DIR, "vkey")) as f:
        vkey = f.read().strip()
    with open(os.path.join(GOLDEN_DIR, "totals.json")) as f:
        totals = json.load(f)
    result = verify_log(DirectorySource(GOLDEN_DIR), vkey)
    assert result.checkpoint.size == 300
    assert result.totals == totals
