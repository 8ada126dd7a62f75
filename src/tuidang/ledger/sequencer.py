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
from .merkle import EMPTY_ROOT, HASH_SIZE, hash_leaves, reduce_perfect
from .note import Signer
from .storage import CHECKPOINT_PATH, DirectoryStore
from .tiles import (
    ENTRIES_LEVEL,
    FULL_TILE_BYTES,
    MAX_ENTRY_SIZE,
    TILE_WIDTH,
    Tile,
    decode_bundle,
    hashes_at_level,
    root_from_partial_tiles,
)

EntryCheck = Callable[[bytes], None]


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
        size, handing each file to write to ``put``; return (edge, paths of
        the full tiles and bundles written)."""
        check = self._check_entry
        for entry in entries:
            if len(entry) > MAX_ENTRY_SIZE:
                raise ValueError("entry longer than 65535 bytes")
            if check is not None:
                check(entry)
        old_size = self.size
        edge = self._edge.copy()
        full: list[str] = []

        # entry bundles
        bundle = edge.bundle + list(entries)
        first = old_size // TILE_WIDTH
        n_full = len(bundle) // TILE_WIDTH
        for i in range(n_full):
            chunk = bundle[i * TILE_WIDTH : (i + 1) * TILE_WIDTH]
            path = Tile(ENTRIES_LEVEL, first + i, TILE_WIDTH).path()
            put(path, _encode_bundle(chunk))
            full.append(path)
        edge.bundle = bundle[n_full * TILE_WIDTH :]
        if edge.bundle and write_partials:
            tile = Tile(ENTRIES_LEVEL, first + n_full, len(edge.bundle))
            put(tile.path(), _encode_bundle(edge.bundle))

        # hash tiles, level by level, while a level gained hashes
        new_hashes = hash_leaves(entries)
        level = 0
        while new_hashes:
            if level == len(edge.tiles):
                edge.tiles.append(b"")
            buf = edge.tiles[level] + new_hashes
            first = hashes_at_level(old_size, level) // TILE_WIDTH
            n_full = len(buf) // FULL_TILE_BYTES
            parents = []
            for i in range(n_full):
                data = buf[i * FULL_TILE_BYTES : (i + 1) * FULL_TILE_BYTES]
                path = Tile(level, first + i, TILE_WIDTH).path()
                put(path, data)
                full.append(path)
                parents.append(reduce_perfect(data))
            rest = buf[n_full * FULL_TILE_BYTES :]
            if rest and write_partials:
                put(Tile(level, first + n_full, len(rest) // HASH_SIZE).path(), rest)
            edge.tiles[level] = rest
            new_hashes = b"".join(parents)
            level += 1
        return edge, full

    def partial_files(self) -> list[tuple[str, bytes]]:
        """The partial bundle and partial tiles of the current right edge."""
        size = self.size
        files = []
        if self._edge.bundle:
            tile = Tile(ENTRIES_LEVEL, size // TILE_WIDTH, len(self._edge.bundle))
            files.append((tile.path(), _encode_bundle(self._edge.bundle)))
        for level, hashes in enumerate(self._edge.tiles):
            if hashes:
                count = hashes_at_level(size, level)
                files.append(
                    (Tile(level, count // TILE_WIDTH, len(hashes) // HASH_SIZE).path(), hashes)
                )
        return files


_LENGTH_PREFIX = [n.to_bytes(2, "big") for n in range(MAX_ENTRY_SIZE + 1)]


def _encode_bundle(entries: list[bytes]) -> bytes:
    prefix = _LENGTH_PREFIX
    return b"".join([part for e in entries for part in (prefix[len(e)], e)])


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
