"""Tests of storage and sequencer: the log directory and its single writer."""

from __future__ import annotations

import os

import pytest

from tuidang.ledger import sequencer
from tuidang.ledger.client import DirectorySource
from tuidang.ledger.entries import EntryChecker, EntryError
from tuidang.ledger.merkle import hash_leaf, tree_hash
from tuidang.ledger.sequencer import LogWriter, SizeMismatchError, StoreCorruptedError, rebuild
from tuidang.ledger.storage import DirectoryStore, StoreLockedError
from tuidang.ledger.tiles import tiles_for_size
from tuidang.ledger.verify import check_consistency, verify_log

from .helpers import make_entries

ENTRIES = make_entries(1500, seed=11, revoke_every=9)


def test_the_exact_paths_written_and_removed_by_a_sequence_of_appends(tmp_path, signer):
    writer = LogWriter.open(tmp_path, signer)
    steps = []
    size = 0
    for count in [1, 2, 253, 1, 300]:
        size = writer.append(ENTRIES[size : size + count], size)
        steps.append((sorted(writer.last_written), sorted(writer.last_removed)))
    writer.close()
    assert steps == [
        (["checkpoint", "tile/0/000.p/1", "tile/entries/000.p/1"], []),
        (["checkpoint", "tile/0/000.p/3", "tile/entries/000.p/3"], []),
        (
            ["checkpoint", "tile/0/000", "tile/1/000.p/1", "tile/entries/000"],
            ["tile/0/000.p/1", "tile/0/000.p/3", "tile/entries/000.p/1", "tile/entries/000.p/3"],
        ),
        (["checkpoint", "tile/0/001.p/1", "tile/entries/001.p/1"], []),
        (
            [
                "checkpoint",
                "tile/0/001",
                "tile/0/002.p/45",
                "tile/1/000.p/2",
                "tile/entries/001",
                "tile/entries/002.p/45",
            ],
            ["tile/0/001.p/1", "tile/entries/001.p/1"],
        ),
    ]
    assert DirectoryStore(tmp_path).list_files() == sorted(
        [
            "checkpoint",
            "tile/0/000",
            "tile/0/001",
            "tile/0/002.p/45",
            "tile/1/000.p/1",
            "tile/1/000.p/2",
            "tile/entries/000",
            "tile/entries/001",
            "tile/entries/002.p/45",
        ]
    )


def test_a_new_log_starts_with_a_signed_checkpoint_of_the_empty_tree(tmp_path, signer):
    with LogWriter.open(tmp_path, signer) as writer:
        assert writer.size == 0
    assert (
        (tmp_path / "checkpoint")
        .read_bytes()
        .startswith(b"log.tuidang.test/ledger\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n")
    )


def test_append_refuses_a_starting_size_that_is_not_the_log_size(tmp_path, signer):
    with LogWriter.open(tmp_path, signer) as writer:
        writer.append(ENTRIES[:5], 0)
        for wrong in (0, 4, 6):
            with pytest.raises(SizeMismatchError):
                writer.append(ENTRIES[5:10], wrong)
        assert writer.size == 5


def test_the_root_is_the_merkle_tree_hash_of_the_entries_whatever_the_batches(tmp_path, signer):
    expected = tree_hash([hash_leaf(e) for e in ENTRIES])
    with LogWriter.open(tmp_path, signer) as writer:
        size = 0
        for count in [700, 1, 255, 256, 288]:
            size = writer.append(ENTRIES[size : size + count], size)
        assert writer.checkpoint.root_hash == expected


def test_reopening_continues_the_same_tree(tmp_path, signer):
    with LogWriter.open(tmp_path, signer) as writer:
        writer.append(ENTRIES[:600], 0)
    with LogWriter.open(tmp_path, signer) as writer:
        assert writer.size == 600
        writer.append(ENTRIES[600:], 600)
        assert writer.checkpoint.root_hash == tree_hash([hash_leaf(e) for e in ENTRIES])


def test_a_second_writer_is_locked_out(tmp_path, signer):
    with LogWriter.open(tmp_path, signer):
        with pytest.raises(StoreLockedError):
            LogWriter.open(tmp_path, signer)


def test_the_entry_check_refuses_bad_entries_before_writing_anything(tmp_path, signer):
    with LogWriter.open(tmp_path, signer, check_entry=EntryChecker()) as writer:
        with pytest.raises(EntryError):
            writer.append([ENTRIES[0], b"declare 2026-11-25 persons=1"], 0)
        assert writer.size == 0
    assert DirectoryStore(tmp_path).list_files() == ["checkpoint"]


def test_opening_a_log_whose_tiles_do_not_match_its_checkpoint_fails(tmp_path, signer):
    with LogWriter.open(tmp_path, signer) as writer:
        writer.append(ENTRIES[:300], 0)
    path = tmp_path / "tile" / "0" / "001.p" / "44"
    path.write_bytes(bytes(len(path.read_bytes())))
    with pytest.raises(StoreCorruptedError):
        LogWriter.open(tmp_path, signer)


def test_rebuild_writes_the_same_tiles_and_checkpoint_byte_for_byte(tmp_path, signer):
    with LogWriter.open(tmp_path / "live", signer) as writer:
        size = 0
        for count in [1, 2, 300, 197, 1000]:
            size = writer.append(ENTRIES[size : size + count], size)
    rebuild(tmp_path / "again", iter(ENTRIES), signer, batch_size=333)
    live, again = DirectoryStore(tmp_path / "live"), DirectoryStore(tmp_path / "again")
    for path in ["checkpoint"] + [t.path() for t in tiles_for_size(len(ENTRIES))]:
        assert live.read(path) == again.read(path), path
    assert set(again.list_files()) == {"checkpoint"} | {
        t.path() for t in tiles_for_size(len(ENTRIES))
    }
    with pytest.raises(FileExistsError):
        rebuild(tmp_path / "again", iter(ENTRIES), signer)


class FailingStore(DirectoryStore):
    """A store that fails after a given number of file writes."""

    def __init__(self, root, fail_after):
        super().__init__(root)
        self.writes_left = fail_after

    def _put(self, path, data, fsync):
        if self.writes_left == 0:
            raise OSError("injected failure")
        self.writes_left -= 1
        return super()._put(path, data, fsync)

    def write_checkpoint(self, data):
        if self.writes_left == 0:
            raise OSError("injected failure at the checkpoint")
        self.writes_left -= 1
        super().write_checkpoint(data)


@pytest.mark.parametrize("fail_after", range(0, 9))
def test_a_failure_at_any_write_leaves_the_last_checkpoint_valid_and_the_next_append_consistent(
    tmp_path, signer, fail_after
):
    with LogWriter.open(tmp_path, signer) as writer:
        writer.append(ENTRIES[:200], 0)
        first = writer.signed_checkpoint
    store = FailingStore(tmp_path, fail_after)
    writer = LogWriter.open(store, signer)
    try:
        writer.append(ENTRIES[200:900], 200)  # 8 files + checkpoint
    except OSError:
        pass
    writer.close()
    with LogWriter.open(tmp_path, signer) as writer:
        size = writer.size
        assert size in (200, 900)
        writer.append(ENTRIES[size:1000], size)
    source = DirectorySource(tmp_path)
    result = verify_log(source, signer.verifier)
    assert result.checkpoint.size == 1000
    check_consistency(source, signer.verifier, result.checkpoint, first)


def test_the_store_writes_atomically_and_leaves_no_temporary_files(tmp_path):
    store = DirectoryStore(tmp_path)
    store.write_files([(f"tile/0/{i:03d}", bytes([i]) * 10) for i in range(40)])
    store.write_files([("tile/0/000", b"new")])
    assert store.read("tile/0/000") == b"new"
    leftovers = [n for _, _, files in os.walk(tmp_path) for n in files if n.startswith(".tmp")]
    assert leftovers == []


def write_log(directory, signer, batches) -> dict[str, bytes]:
    with LogWriter.open(directory, signer) as writer:
        size = 0
        for count in batches:
            size = writer.append(ENTRIES[size : size + count], size)
    store = DirectoryStore(directory)
    return {path: store.read(path) for path in store.list_files()}


@pytest.mark.parametrize("chunk", [1, 7, 256, 1000])
def test_hashing_a_batch_in_chunks_writes_the_same_files_whatever_the_chunk(
    tmp_path, signer, monkeypatch, chunk
):
    batches = [3, 1200, 297]
    expected = write_log(tmp_path / "whole", signer, batches)
    monkeypatch.setattr(sequencer, "_CHUNK", chunk)
    assert write_log(tmp_path / "chunked", signer, batches) == expected


def test_a_small_batch_fsyncs_new_directories_up_to_the_root_then_only_changed_ones(
    tmp_path, monkeypatch
):
    synced = []
    monkeypatch.setattr(DirectoryStore, "_fsync_dir", staticmethod(synced.append))
    store = DirectoryStore(tmp_path)
    store.write_files([("tile/0/000.p/1", bytes(32))])
    assert sorted(synced) == [str(tmp_path / p) for p in ["", "tile", "tile/0", "tile/0/000.p"]]
    synced.clear()
    store.write_files([("tile/0/000.p/2", bytes(64)), ("tile/1/000.p/1", bytes(32))])
    assert sorted(synced) == [
        str(tmp_path / p) for p in ["tile", "tile/0/000.p", "tile/1", "tile/1/000.p"]
    ]
