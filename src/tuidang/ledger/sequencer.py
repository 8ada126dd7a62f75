"""The log writer: appends entries to a C2SP tlog-tiles v1.0.0 directory and
publishes C2SP tlog-checkpoint v1.0.0 checkpoints signed per C2SP
signed-note v1.0.0; Merkle hashing per RFC 6962 section 2.1.

One ``append`` is: write the new entry bundles and hash tiles (full and
partial) -> make them durable -> write the signed checkpoint (the commit
point) -> delete partial tiles made obsolete by full ones (best effort).

Crash safety: whatever the moment a writer dies, the last durable
checkpoint names a tree whose tiles are all durable.  Files past it are
never read back; the next append writes them again (always overwriting),
starting from the state the checkpoint names, so each new checkpoint is
consistent with every earlier one.

The writer keeps the right edge of the tree in memory: the entries of the
last partial bundle and the hashes of the last partial tile of each level
(at most 256 of each), so ``append`` costs O(batch + log n).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from .checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from .merkle import EMPTY_ROOT, HASH_SIZE, leaf_hashes, parent_hashes
from .note import Signer
from .storage import CHECKPOINT_PATH, DirectoryStore
from .tiles import (
    ENTRIES_LEVEL,
    MAX_ENTRY_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    decode_bundle,
    hashes_at_level,
    root_from_partial_tiles,
)

EntryCheck = Callable[[bytes], None]

_CHUNK = 1 << 14
"""Entries hashed at a time: the working memory stays small and is reused
(touching fresh memory costs page faults, more than a copy per entry)."""


class SizeMismatchError(RuntimeError):
    """append() was told a starting size that is not the log's size."""


class StoreCorruptedError(RuntimeError):
    """The stored tiles do not hash to the stored checkpoint."""


class _Edge:
    """Right edge of the tree: partial bundle and partial tile per level."""

    def __init__(self, bundle: list[bytes], tiles: list[bytes]) -> None:
        self.bundle = bundle
        self.tiles = tiles  # tiles[L] = concatenated hashes of the partial tile at level L

    def copy(self) -> _Edge:
        return _Edge(list(self.bundle), list(self.tiles))

    def root(self) -> bytes:
        """MTH of the whole tree, from the partial tiles of every level."""
        return root_from_partial_tiles(reversed(self.tiles))

    def extend(
        self, size: int, entries: Sequence[bytes], put: Callable[[str, bytes], None]
    ) -> list[str]:
        """Append ``entries`` to the tree of ``size`` leaves whose right edge
        this is, handing each bundle and hash tile that becomes full to
        ``put``; return their paths.  Partial ones are not written.

        Hashing dominates, so each step runs over all the entries at once
        (one list comprehension per tree level, no call per entry).
        """
        full: list[str] = []
        # entry bundles: the partial bundle's entries, then the new ones
        pending = self.bundle + list(entries)
        first = size // TILE_WIDTH
        n_full = len(pending) // TILE_WIDTH
        for i in range(n_full):
            path = Tile(ENTRIES_LEVEL, first + i, TILE_WIDTH).path()
            put(path, _encode_bundle(pending[i * TILE_WIDTH : (i + 1) * TILE_WIDTH]))
            full.append(path)
        self.bundle = pending[n_full * TILE_WIDTH :]

        # hash tiles, level by level, while a level gains hashes
        new_hashes = leaf_hashes(entries)
        level = 0
        while new_hashes:
            if level == len(self.tiles):
                self.tiles.append(b"")
            partial = self.tiles[level]
            hashes = [partial[i : i + HASH_SIZE] for i in range(0, len(partial), HASH_SIZE)]
            hashes += new_hashes
            first = hashes_at_level(size, level) // TILE_WIDTH
            n_full = len(hashes) // TILE_WIDTH
            for i in range(n_full):
                path = Tile(level, first + i, TILE_WIDTH).path()
                put(path, b"".join(hashes[i * TILE_WIDTH : (i + 1) * TILE_WIDTH]))
                full.append(path)
            self.tiles[level] = b"".join(hashes[n_full * TILE_WIDTH :])
            # the root of each full tile is a hash of the level above
            new_hashes = hashes[: n_full * TILE_WIDTH]
            for _ in range(TILE_HEIGHT):
                new_hashes = parent_hashes(new_hashes)
            level += 1
        return full

    def partial_files(self, size: int, changed_since: int | None = None) -> list[tuple[str, bytes]]:
        """(path, data) of the partial bundle and partial hash tiles of the
        tree of ``size`` leaves whose right edge this is; if
        ``changed_since`` is given, only of the levels that gained hashes
        since the tree had that size."""

        def changed(level: int) -> bool:
            return changed_since is None or (
                hashes_at_level(changed_since, level) != hashes_at_level(size, level)
            )

        files = []
        if self.bundle and changed(0):
            tile = Tile(ENTRIES_LEVEL, size // TILE_WIDTH, len(self.bundle))
            files.append((tile.path(), _encode_bundle(self.bundle)))
        for level, hashes in enumerate(self.tiles):
            if hashes and changed(level):
                index = hashes_at_level(size, level) // TILE_WIDTH
                files.append((Tile(level, index, len(hashes) // HASH_SIZE).path(), hashes))
        return files


class LogWriter:
    """The single writer of a log directory.  Use ``LogWriter.open``."""

    def __init__(
        self,
        store: DirectoryStore,
        signer: Signer,
        origin: str,
        checkpoint: Checkpoint,
        edge: _Edge,
        check_entry: EntryCheck | None,
    ) -> None:
        self.store = store
        self.signer = signer
        self.origin = origin
        self.checkpoint = checkpoint
        self._edge = edge
        self._check_entry = check_entry
        self.last_written: list[str] = []
        self.last_removed: list[str] = []

    # -- opening ---------------------------------------------------------
    @classmethod
    def open(
        cls,
        directory: str | os.PathLike | DirectoryStore,
        signer: Signer,
        origin: str | None = None,
        *,
        create: bool = True,
        check_entry: EntryCheck | None = None,
    ) -> LogWriter:
        """Lock and open the log in ``directory``; create it empty (size 0,
        signed checkpoint) if it has no checkpoint and ``create`` is true.

        Verifies the stored checkpoint's signature and origin and that the
        stored right-edge tiles hash to its root (StoreCorruptedError).
        ``check_entry`` (e.g. ``entries.EntryChecker()``) is called on every
        entry before anything is written.
        """
        store = directory if isinstance(directory, DirectoryStore) else DirectoryStore(directory)
        origin = origin or signer.name
        store.lock()
        try:
            try:
                data = store.read(CHECKPOINT_PATH)
            except FileNotFoundError:
                if not create:
                    raise
                checkpoint = Checkpoint(origin, 0, EMPTY_ROOT)
                store.write_checkpoint(sign_checkpoint(checkpoint, signer))
            else:
                checkpoint = open_checkpoint(data, signer.verifier, origin)
            edge = cls._load_edge(store, checkpoint.size)
            if edge.root() != checkpoint.root_hash:
                raise StoreCorruptedError(
                    f"stored tiles do not hash to the checkpoint root at size {checkpoint.size}"
                )
        except BaseException:
            store.unlock()
            raise
        return cls(store, signer, origin, checkpoint, edge, check_entry)

    @staticmethod
    def _load_edge(store: DirectoryStore, size: int) -> _Edge:
        tiles = []
        level = 0
        while hashes_at_level(size, level):
            count = hashes_at_level(size, level)
            width = count % TILE_WIDTH
            data = b""
            if width:
                tile = Tile(level, count // TILE_WIDTH, width)
                data = store.read(tile.path())
                if len(data) != width * HASH_SIZE:
                    raise StoreCorruptedError(f"{tile.path()} has the wrong length")
            tiles.append(data)
            level += 1
        bundle: list[bytes] = []
        width = size % TILE_WIDTH
        if width:
            path = Tile(ENTRIES_LEVEL, size // TILE_WIDTH, width).path()
            bundle = decode_bundle(store.read(path), width)
        return _Edge(bundle, tiles)

    def close(self) -> None:
        """Release the writer lock."""
        self.store.unlock()

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def size(self) -> int:
        """Tree size of the last published checkpoint."""
        return self.checkpoint.size

    @property
    def signed_checkpoint(self) -> bytes:
        """The bytes of the published checkpoint file."""
        return self.store.read(CHECKPOINT_PATH)

    # -- appending -------------------------------------------------------
    def append(self, entries: Sequence[bytes], expected_size: int) -> int:
        """Append ``entries`` as indices ``expected_size, ...`` and publish a
        new checkpoint; return the new tree size.

        Raises SizeMismatchError, without writing anything, unless
        ``expected_size`` is the current size (so a retry can never
        duplicate entries, nor a lost batch leave a gap).
        """
        if expected_size != self.size:
            raise SizeMismatchError(f"log has {self.size} entries, caller expected {expected_size}")
        if not entries:
            return self.size
        batch = self.store.batch()
        edge, full = self._extend(entries, batch.put, write_partials=True)
        written = batch.commit()
        size = self.size + len(entries)
        checkpoint = Checkpoint(self.origin, size, edge.root())
        self.store.write_checkpoint(sign_checkpoint(checkpoint, self.signer))
        self.checkpoint, self._edge = checkpoint, edge
        self.last_written = written + [CHECKPOINT_PATH]
        self.last_removed = []
        for path in full:
            self.last_removed += self.store.remove_partials(path)
        return size

    def _extend(
        self, entries: Sequence[bytes], put: Callable[[str, bytes], None], write_partials: bool
    ) -> tuple[_Edge, list[str]]:
        """Compute the new right edge for ``entries`` appended at the current
        size, handing each file to write to ``put`` (the partial ones only if
        ``write_partials``); return (edge, paths of the full tiles and
        bundles written)."""
        self._check(entries)
        edge = self._edge.copy()
        full: list[str] = []
        size = self.size
        for start in range(0, len(entries), _CHUNK):
            chunk = entries[start : start + _CHUNK]
            full += edge.extend(size, chunk, put)
            size += len(chunk)
        if write_partials:
            for path, data in edge.partial_files(size, changed_since=self.size):
                put(path, data)
        return edge, full

    def _check(self, entries: Sequence[bytes]) -> None:
        """Raise unless every entry may be appended (before anything is written)."""
        if max(map(len, entries), default=0) > MAX_ENTRY_SIZE:
            raise ValueError("entry longer than 65535 bytes")
        check = self._check_entry
        if check is None:
            return
        check_all = getattr(check, "check_all", None)  # EntryChecker checks a batch at once
        if check_all is not None:
            check_all(entries)
        else:
            for entry in entries:
                check(entry)

    def partial_files(self) -> list[tuple[str, bytes]]:
        """The partial bundle and partial tiles of the current right edge."""
        return self._edge.partial_files(self.size)


_LENGTH_PREFIX = [n.to_bytes(2, "big") for n in range(MAX_ENTRY_SIZE + 1)]


def _encode_bundle(entries: list[bytes]) -> bytes:
    prefix = _LENGTH_PREFIX
    return b"".join([prefix[len(entry)] + entry for entry in entries])


def rebuild(
    directory: str | os.PathLike,
    entries: Iterable[bytes],
    signer: Signer,
    origin: str | None = None,
    *,
    batch_size: int = 1 << 16,
    check_entry: EntryCheck | None = None,
) -> Checkpoint:
    """Write a whole log from its entries into a directory that has no
    checkpoint yet, producing the same tiles, bundles and checkpoint bytes
    as any sequence of appends of the same entries would (for the final
    size).  Intermediate partial tiles are not written; the checkpoint is
    written last.  Returns the checkpoint.
    """
    store = DirectoryStore(directory)
    if store.exists(CHECKPOINT_PATH):
        raise FileExistsError(f"{directory} already holds a log checkpoint")
    origin = origin or signer.name
    store.lock()
    try:
        writer = LogWriter(
            store, signer, origin, Checkpoint(origin, 0, EMPTY_ROOT), _Edge([], []), check_entry
        )
        batch: list[bytes] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) >= batch_size:
                _rebuild_step(writer, batch)
                batch = []
        if batch:
            _rebuild_step(writer, batch)
        store.write_files(writer.partial_files())
        checkpoint = Checkpoint(origin, writer.size, writer._edge.root())
        store.write_checkpoint(sign_checkpoint(checkpoint, signer))
        return checkpoint
    finally:
        store.unlock()


def _rebuild_step(writer: LogWriter, batch: list[bytes]) -> None:
    files = writer.store.batch()
    edge, _full = writer._extend(batch, files.put, write_partials=False)
    files.commit()
    # advance the in-memory state only; no checkpoint until the end
    writer.checkpoint = Checkpoint(writer.origin, writer.size + len(batch), EMPTY_ROOT)
    writer._edge = edge
