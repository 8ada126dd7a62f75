"""Tests of verify, client and the command line: every named fault is
detected, over a directory and over HTTP on the loopback interface."""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

import tuidang.ledger
from tuidang.ledger.__main__ import main
from tuidang.ledger.checkpoint import Checkpoint, sign_checkpoint
from tuidang.ledger.client import DirectorySource, HttpSource, fetch_tile
from tuidang.ledger.entries import Declaration, receipt_commitment
from tuidang.ledger.merkle import tree_root
from tuidang.ledger.note import Signer, Verifier
from tuidang.ledger.sequencer import LogWriter
from tuidang.ledger.tiles import Tile, TileHashReader
from tuidang.ledger.totals import compute_totals
from tuidang.ledger.verify import (
    BadEntry,
    BadSignature,
    EntryMismatch,
    InconsistentCheckpoint,
    TileMismatch,
    TotalMismatch,
    TruncatedFile,
    VerificationError,
    WrongOrigin,
    verify_entry_inclusion,
    verify_log,
)

from .helpers import TEST_ORIGIN, make_entries, make_signer

ENTRIES = make_entries(1000, seed=7, revoke_every=10)
RECEIPT_CODE = "7Z7Z7Z7Z7Z7Z7Z7Z"
ENTRIES[300] = Declaration(
    "2026-11-25", ("party",), 2, "web", "self", 1, 0, "CN-GD", receipt_commitment(RECEIPT_CODE)
).encode()
SRC = os.path.dirname(os.path.dirname(os.path.abspath(tuidang.ledger.__file__)))


@pytest.fixture
def log(tmp_path):
    """A log of 1000 entries written in three appends; returns its directory
    and the signed checkpoint published at size 500."""
    directory = tmp_path / "log"
    with LogWriter.open(directory, make_signer()) as writer:
        writer.append(ENTRIES[:500], 0)
        at_500 = writer.signed_checkpoint
        writer.append(ENTRIES[500:700], 500)
        writer.append(ENTRIES[700:], 700)
    return directory, at_500


def tally_at(directory, size):
    root = tree_root(
        size, TileHashReader(len(ENTRIES), lambda t: fetch_tile(DirectorySource(directory), t))
    )
    return {
        "tree_size": size,
        "root_hash": base64.b64encode(root).decode(),
        "checkpoint": sign_checkpoint(Checkpoint(TEST_ORIGIN, size, root), make_signer()).decode(),
        "totals": compute_totals(ENTRIES[:size]),
    }


def test_a_good_log_verifies_with_its_totals_tally_and_older_checkpoint(log):
    directory, at_500 = log
    progress = []
    result = verify_log(
        DirectorySource(directory),
        make_signer().verifier.key_string(),
        origin=TEST_ORIGIN,
        since=at_500,
        tally=tally_at(directory, 1000),
        progress=lambda done, total: progress.append(done),
    )
    assert result.checkpoint.size == 1000
    assert result.totals == compute_totals(ENTRIES)
    assert progress[-1] == 1000 and progress == sorted(progress)


@pytest.mark.parametrize("size", [0, 1, 255, 256, 500, 999])
def test_a_tally_published_at_an_older_tree_size_is_checked_at_that_size(log, size):
    directory, _ = log
    verify_log(DirectorySource(directory), make_signer().verifier, tally=tally_at(directory, size))


def test_a_checkpoint_signed_by_another_key_is_a_bad_signature(log):
    directory, _ = log
    with pytest.raises(BadSignature, match="bad signature"):
        verify_log(DirectorySource(directory), Signer.generate(TEST_ORIGIN).verifier)


def test_an_altered_checkpoint_is_a_bad_signature(log):
    directory, _ = log
    path = directory / "checkpoint"
    path.write_bytes(path.read_bytes().replace(b"\n1000\n", b"\n999\n"))
    with pytest.raises(BadSignature, match="bad signature"):
        verify_log(DirectorySource(directory), make_signer().verifier)


def test_a_checkpoint_of_another_log_is_a_wrong_origin(log):
    directory, _ = log
    with pytest.raises(WrongOrigin, match="wrong origin"):
        verify_log(DirectorySource(directory), make_signer().verifier, origin="example.com/other")


def flip_byte(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 1
    path.write_bytes(bytes(data))


def test_an_altered_upper_tile_is_a_tile_mismatch(log):
    directory, _ = log
    flip_byte(directory / "tile" / "1" / "000.p" / "3", 40)
    with pytest.raises(TileMismatch, match="tile mismatch: tile/1/000.p/3"):
        verify_log(DirectorySource(directory), make_signer().verifier)


def test_an_entry_altered_together_with_its_level_0_tile_is_a_tile_mismatch(log):
    directory, _ = log
    bundle = directory / "tile" / "entries" / "001"
    data = bundle.read_bytes()
    changed = data.replace(b"persons=1 ", b"persons=2 ", 1)
    assert changed != data
    bundle.write_bytes(changed)
    from tuidang.ledger.merkle import hash_leaf
    from tuidang.ledger.tiles import decode_bundle

    leaves = b"".join(hash_leaf(e) for e in decode_bundle(changed, 256))
    (directory / "tile" / "0" / "001").write_bytes(leaves)
    with pytest.raises(TileMismatch, match="tile/1/000.p/3"):
        verify_log(DirectorySource(directory), make_signer().verifier)


def test_an_altered_entry_is_an_entry_mismatch_naming_it(log):
    directory, _ = log
    bundle = directory / "tile" / "entries" / "002"
    data = bundle.read_bytes()
    first = data.index(b"2026-11-")
    bundle.write_bytes(data[:first] + b"2025" + data[first + 4 :])
    with pytest.raises(EntryMismatch, match="entry mismatch: entry 512 "):
        verify_log(DirectorySource(directory), make_signer().verifier)


def test_a_log_with_an_invalid_revoke_is_a_bad_entry(tmp_path):
    signer = make_signer()
    with LogWriter.open(tmp_path, signer) as writer:
        writer.append([ENTRIES[0], b"revoke 2026-11-26 index=5 reason=error"], 0)
    with pytest.raises(BadEntry, match="entry 1: revokes entry 5"):
        verify_log(DirectorySource(tmp_path), signer.verifier)


def test_a_tally_that_differs_from_the_recount_is_a_total_mismatch(log):
    directory, _ = log
    tally = tally_at(directory, 1000)
    tally["totals"]["by_organisation"]["party"] += 1
    with pytest.raises(TotalMismatch, match="by_organisation.party"):
        verify_log(DirectorySource(directory), make_signer().verifier, tally=tally)


def test_a_tally_with_the_wrong_root_or_a_future_size_is_a_total_mismatch(log):
    directory, _ = log
    tally = tally_at(directory, 1000)
    tally["root_hash"] = tally_at(directory, 999)["root_hash"]
    with pytest.raises(TotalMismatch, match="root_hash"):
        verify_log(DirectorySource(directory), make_signer().verifier, tally=tally)
    tally = tally_at(directory, 1000) | {"tree_size": 1001}
    with pytest.raises(TotalMismatch, match="beyond"):
        verify_log(DirectorySource(directory), make_signer().verifier, tally=tally)
    with pytest.raises(TotalMismatch):
        verify_log(DirectorySource(directory), make_signer().verifier, tally={"totals": {}})


def test_an_older_checkpoint_of_a_different_tree_is_inconsistent(log):
    directory, at_500 = log
    signer = make_signer()
    forked = Checkpoint(TEST_ORIGIN, 500, bytes(32))
    with pytest.raises(InconsistentCheckpoint, match="inconsistent older checkpoint"):
        verify_log(
            DirectorySource(directory), signer.verifier, since=sign_checkpoint(forked, signer)
        )
    bigger = Checkpoint(TEST_ORIGIN, 1001, bytes(32))
    with pytest.raises(InconsistentCheckpoint):
        verify_log(
            DirectorySource(directory), signer.verifier, since=sign_checkpoint(bigger, signer)
        )
    other_key = Signer.generate(TEST_ORIGIN)
    with pytest.raises(BadSignature):
        verify_log(
            DirectorySource(directory), signer.verifier, since=sign_checkpoint(forked, other_key)
        )


@pytest.mark.parametrize(
    "damage", ["truncate bundle", "extend bundle", "truncate tile", "delete tile", "delete bundle"]
)
def test_truncated_or_missing_files_are_named(log, damage):
    directory, _ = log
    bundle, tile = (
        directory / "tile" / "entries" / "001",
        directory / "tile" / "0" / "003.p" / "232",
    )
    if damage == "truncate bundle":
        bundle.write_bytes(bundle.read_bytes()[:-10])
    elif damage == "extend bundle":
        bundle.write_bytes(bundle.read_bytes() + b"\x00")
    elif damage == "truncate tile":
        tile.write_bytes(tile.read_bytes()[:-32])
    elif damage == "delete tile":
        tile.unlink()
    else:
        bundle.unlink()
    with pytest.raises(TruncatedFile, match="truncated or missing file"):
        verify_log(DirectorySource(directory), make_signer().verifier)


def test_a_deleted_partial_tile_is_read_from_the_full_tile(log):
    directory, _ = log
    source = DirectorySource(directory)
    shutil.copy(directory / "tile" / "0" / "001", directory / "tile" / "0" / "001-copy")
    assert (
        fetch_tile(source, Tile(0, 1, 10)) == (directory / "tile" / "0" / "001").read_bytes()[:320]
    )
    assert (
        fetch_tile(source, Tile(-1, 1, 2)).count(b"declare")
        + fetch_tile(source, Tile(-1, 1, 2)).count(b"revoke")
        == 2
    )


def test_one_entry_is_proven_included_with_its_receipt_code(log):
    directory, _ = log
    vkey = make_signer().verifier.key_string()
    inclusion = verify_entry_inclusion(
        DirectorySource(directory), vkey, 300, receipt_code=RECEIPT_CODE.lower()
    )
    assert inclusion.entry == ENTRIES[300] and len(inclusion.proof) == 10
    with pytest.raises(EntryMismatch, match="does not commit"):
        verify_entry_inclusion(DirectorySource(directory), vkey, 301, receipt_code=RECEIPT_CODE)
    with pytest.raises(EntryMismatch):
        verify_entry_inclusion(DirectorySource(directory), vkey, 1000)
    with pytest.raises(EntryMismatch):
        verify_entry_inclusion(DirectorySource(directory), vkey, 5, entry=ENTRIES[6])


@pytest.fixture
def served(log):
    """The log directory served over HTTP on 127.0.0.1."""
    directory, at_500 = log
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", directory, at_500
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


def test_a_log_served_over_http_verifies_and_a_missing_tile_is_named(served):
    url, directory, at_500 = served
    result = verify_log(
        HttpSource(url), make_signer().verifier, since=at_500, tally=tally_at(directory, 700)
    )
    assert result.totals == compute_totals(ENTRIES)
    (directory / "tile" / "entries" / "002").unlink()
    with pytest.raises(TruncatedFile, match="404"):
        verify_log(HttpSource(url), make_signer().verifier)


def test_the_command_line_verifies_a_log_and_exits_non_zero_with_the_reason(
    served, tmp_path, capsys
):
    url, directory, at_500 = served
    vkey = make_signer().verifier.key_string()
    (tmp_path / "old").write_bytes(at_500)
    tally = tally_at(directory, 1000)
    (tmp_path / "tally.json").write_text(json.dumps(tally))
    assert (
        main(
            [
                "verify",
                url,
                "--vkey",
                vkey,
                "--since",
                str(tmp_path / "old"),
                "--tally",
                str(tmp_path / "tally.json"),
                "--quiet",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["totals"] == tally["totals"]
    tally["totals"]["persons"] += 1
    (tmp_path / "tally.json").write_text(json.dumps(tally))
    assert (
        main(
            [
                "verify",
                str(directory),
                "--vkey",
                vkey,
                "--tally",
                str(tmp_path / "tally.json"),
                "--quiet",
            ]
        )
        == 1
    )
    assert "total mismatch: at tree size 1000: persons" in capsys.readouterr().err
    assert (
        main(["inclusion", url, "--vkey", vkey, "--index", "300", "--receipt", RECEIPT_CODE]) == 0
    )


def test_keygen_prints_a_verifier_key_and_writes_the_signer_key_0600(tmp_path, capsys):
    path = tmp_path / "signer.key"
    assert main(["keygen", "log.example.org/tuidang", str(path)]) == 0
    verifier = Verifier.from_key_string(capsys.readouterr().out.strip())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert Signer.from_key_string(path.read_text()).verifier == verifier
    assert main(["keygen", "log.example.org/tuidang", str(path)]) == 2  # never overwrites


def test_the_ledger_imports_no_django():
    code = (
        "import sys, tuidang.ledger, tuidang.ledger.__main__, tuidang.ledger.verify;"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)"
    )
    env = dict(os.environ, PYTHONPATH=os.path.dirname(SRC))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_every_fault_is_a_verification_error_with_its_name_in_the_message():
    for fault in [
        BadSignature,
        WrongOrigin,
        TileMismatch,
        EntryMismatch,
        TotalMismatch,
        InconsistentCheckpoint,
        TruncatedFile,
        BadEntry,
    ]:
        error = fault("detail")
        assert isinstance(error, VerificationError)
        assert str(error) == f"{fault.fault}: detail"


def test_an_empty_log_verifies_with_zero_totals(tmp_path):
    signer = make_signer()
    LogWriter.open(tmp_path, signer).close()
    empty = {
        "tree_size": 0,
        "root_hash": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        "totals": compute_totals([]),
    }
    result = verify_log(DirectorySource(tmp_path), signer.verifier, tally=empty)
    assert result.checkpoint.size == 0 and result.totals == compute_totals([])


def test_a_tally_names_a_checkpoint_signed_by_the_log_key_for_its_size_and_root(log):
    directory, _ = log
    verifier = make_signer().verifier

    def refused(tally, match):
        with pytest.raises(TotalMismatch, match=match):
            verify_log(DirectorySource(directory), verifier, tally=tally)

    good = tally_at(directory, 700)
    assert verify_log(DirectorySource(directory), verifier, tally=good).tally_size == 700
    refused(good | {"checkpoint": None}, "names no signed checkpoint for its tree size 700")
    refused({k: v for k, v in good.items() if k != "checkpoint"}, "names no signed checkpoint")
    refused(good | {"checkpoint": 7}, "must be the text of a signed checkpoint")
    # the checkpoint of another size than the totals claim
    refused(good | {"checkpoint": tally_at(directory, 500)["checkpoint"]}, "tree_size 700")
    # signed by another key, or for another origin, or altered after signing
    root = base64.b64decode(good["root_hash"])
    stranger = Signer(TEST_ORIGIN, b"\x01" * 32)
    refused(
        good
        | {"checkpoint": sign_checkpoint(Checkpoint(TEST_ORIGIN, 700, root), stranger).decode()},
        "not a checkpoint of this log signed by its key",
    )
    other_origin = sign_checkpoint(
        Checkpoint("other.example/log", 700, root), make_signer()
    ).decode()
    refused(good | {"checkpoint": other_origin}, "not a checkpoint of this log")
    altered = good["checkpoint"].replace("\n700\n", "\n701\n", 1)
    refused(good | {"checkpoint": altered}, "not a checkpoint of this log")


def test_a_tally_and_its_checkpoint_for_another_tree_are_refused_even_if_consistent(log):
    """Totals, root and checkpoint that agree with each other (a forked tree
    signed by the same key) but not with the verified log are refused."""
    directory, _ = log
    forked_root = bytes(32)
    tally = tally_at(directory, 1000) | {
        "root_hash": base64.b64encode(forked_root).decode(),
        "checkpoint": sign_checkpoint(
            Checkpoint(TEST_ORIGIN, 1000, forked_root), make_signer()
        ).decode(),
    }
    with pytest.raises(TotalMismatch, match="disagree on the root at size 1000"):
        verify_log(DirectorySource(directory), make_signer().verifier, tally=tally)
    tally = tally_at(directory, 1000) | {"tree_size": 1001}
    with pytest.raises(TotalMismatch, match="claims tree size 1001, beyond the verified"):
        verify_log(DirectorySource(directory), make_signer().verifier, tally=tally)


def test_the_command_line_names_the_size_it_compared_and_warns_of_older_totals(
    log, tmp_path, capsys
):
    directory, _ = log
    vkey = make_signer().verifier.key_string()
    path = tmp_path / "tally.json"

    def run(size):
        path.write_text(json.dumps(tally_at(directory, size)))
        status = main(["verify", str(directory), "--vkey", vkey, "--tally", str(path)])
        captured = capsys.readouterr()
        return status, json.loads(captured.out), captured.err

    status, report, err = run(1000)
    assert status == 0 and report["tally_tree_size"] == 1000 and not report["tally_is_older"]
    assert "Compared the published totals with the log at tree size 1000." in err
    assert "Warning" not in err
    status, report, err = run(700)
    assert status == 0 and report["tally_tree_size"] == 700 and report["tally_is_older"]
    assert report["tree_size"] == 1000
    assert "Compared the published totals with the log at tree size 700." in err
    assert (
        "Warning: the published totals are at tree size 700, older than the checkpoint"
        " verified (tree size 1000)" in err
    )
    path.write_text(json.dumps(tally_at(directory, 1000) | {"tree_size": 1001}))
    assert main(["verify", str(directory), "--vkey", vkey, "--tally", str(path), "--quiet"]) == 1
    assert "beyond the verified checkpoint's 1000" in capsys.readouterr().err
