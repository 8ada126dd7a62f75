"""Verifying a whole tuidang log: C2SP signed-note v1.0.0 and tlog-checkpoint
v1.0.0 checkpoints, C2SP tlog-tiles v1.0.0 tiles and bundles, RFC 6962 /
RFC 9162 hashing and proofs, and the tuidang totals (docs/log-format.md).

``verify_log`` checks, in one streaming pass over the log:

1. the checkpoint signature and origin;
2. every hash tile against the tree recomputed from below, up to the signed
   root (TileMismatch names the first bad tile);
3. every entry against its leaf hash in the level 0 tile (EntryMismatch);
4. the totals recomputed from the entries, optionally against a published
   tally (TotalMismatch), at the tree size the tally names: that size may be
   smaller than the checkpoint's (totals published before the latest
   checkpoint; ``VerifiedLog.tally_is_older`` says so), never larger; its root
   hash must be the log's root at that size, and its ``checkpoint`` field must
   be a checkpoint signed by the same key for exactly that size and root (only
   the empty tally of a log without a checkpoint may leave it null);
5. optionally, a consistency proof from an older checkpoint
   (InconsistentCheckpoint).

Every failure raises a subclass of VerificationError whose ``fault`` and
message name what is wrong.
"""

from __future__ import annotations

import base64
import binascii
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .checkpoint import Checkpoint, CheckpointError, WrongOriginError, open_checkpoint
from .client import FetchError, LogSource, MissingFileError, fetch_tile
from .entries import (
    Declaration,
    EntryError,
    normalise_receipt_code,
    parse_entry,
    receipt_commitment,
)
from .merkle import (
    HASH_SIZE,
    ProofError,
    consistency_proof,
    hash_leaf,
    hash_leaves,
    inclusion_proof,
    reduce_perfect,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from .note import NoteError, UnverifiedNoteError, Verifier
from .tiles import (
    ENTRIES_LEVEL,
    FULL_TILE_BYTES,
    TILE_WIDTH,
    Tile,
    TileError,
    TileHashReader,
    decode_bundle,
    hashes_at_level,
    root_from_partial_tiles,
)
from .totals import Tally, TallyError

Progress = Callable[[int, int], None]
"""progress(entries_done, entries_total)"""


class VerificationError(Exception):
    """The log failed verification; ``fault`` names the kind of failure."""

    fault = "verification failed"

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.fault}: {detail}")
        self.detail = detail


class BadSignature(VerificationError):
    fault = "bad signature"


class WrongOrigin(VerificationError):
    fault = "wrong origin"


class MalformedCheckpoint(VerificationError):
    fault = "malformed checkpoint"


class TileMismatch(VerificationError):
    fault = "tile mismatch"


class EntryMismatch(VerificationError):
    fault = "entry mismatch"


class BadEntry(VerificationError):
    fault = "bad entry"


class TotalMismatch(VerificationError):
    fault = "total mismatch"


class InconsistentCheckpoint(VerificationError):
    fault = "inconsistent older checkpoint"


class TruncatedFile(VerificationError):
    fault = "truncated or missing file"


class FetchFailed(VerificationError):
    fault = "fetch failed"


@dataclass(frozen=True)
class VerifiedLog:
    """What a successful verification established."""

    checkpoint: Checkpoint
    totals: dict
    """Totals at the checkpoint's tree size."""
    tally_size: int | None = None
    """Tree size of the tally that was compared, if any."""

    @property
    def tally_is_older(self) -> bool:
        """The published totals were compared at a smaller tree size than the
        checkpoint verified: they lag behind the log."""
        return self.tally_size is not None and self.tally_size < self.checkpoint.size


def as_verifier(key: str | Verifier) -> Verifier:
    if isinstance(key, Verifier):
        return key
    try:
        return Verifier.from_key_string(key)
    except NoteError as exc:
        raise BadSignature(f"unusable verifier key: {exc}") from None


def read_checkpoint(
    source: LogSource | None,
    verifier: Verifier,
    origin: str | None = None,
    data: bytes | None = None,
) -> Checkpoint:
    """Fetch (or take) a checkpoint and verify its signature and origin."""
    if data is None:
        data = _fetch(source, "checkpoint")
    try:
        return open_checkpoint(data, verifier, origin)
    except WrongOriginError as exc:
        raise WrongOrigin(str(exc)) from None
    except UnverifiedNoteError as exc:
        raise BadSignature(str(exc)) from None
    except (NoteError, CheckpointError) as exc:
        raise MalformedCheckpoint(str(exc)) from None


def _fetch(source: LogSource, path: str) -> bytes:
    try:
        return source.fetch(path)
    except MissingFileError as exc:
        raise TruncatedFile(str(exc)) from None
    except FetchError as exc:
        raise FetchFailed(str(exc)) from None


def _fetch_tile(source: LogSource, tile: Tile) -> bytes:
    try:
        return fetch_tile(source, tile)
    except MissingFileError as exc:
        raise TruncatedFile(str(exc)) from None
    except TileError as exc:
        raise TruncatedFile(f"{tile.path()}: {exc}") from None
    except FetchError as exc:
        raise FetchFailed(str(exc)) from None


def _reader(source: LogSource, size: int) -> TileHashReader:
    return TileHashReader(size, lambda tile: _fetch_tile(source, tile))


def _level0_pairs(
    source: LogSource, size: int, workers: int
) -> Iterator[tuple[Tile, bytes, bytes]]:
    """Yield (level 0 tile, bundle bytes, tile bytes) in order, prefetching
    ahead with threads when the source is remote."""
    count = (size + TILE_WIDTH - 1) // TILE_WIDTH

    def get(index: int) -> tuple[Tile, bytes, bytes]:
        width = min(TILE_WIDTH, size - index * TILE_WIDTH)
        tile = Tile(0, index, width)
        bundle = _fetch_tile(source, Tile(ENTRIES_LEVEL, index, width))
        return tile, bundle, _fetch_tile(source, tile)

    if not getattr(source, "parallel", False) or workers <= 1:
        for index in range(count):
            yield get(index)
        return
    with ThreadPoolExecutor(workers) as pool:
        window: deque = deque()
        next_index = 0
        while next_index < count or window:
            while next_index < count and len(window) < workers * 4:
                window.append(pool.submit(get, next_index))
                next_index += 1
            yield window.popleft().result()


def _first_difference(a: bytes, b: bytes) -> int:
    for i in range(0, min(len(a), len(b)), HASH_SIZE):
        if a[i : i + HASH_SIZE] != b[i : i + HASH_SIZE]:
            return i // HASH_SIZE
    return min(len(a), len(b)) // HASH_SIZE


def _root_from_levels(levels: list[bytes], size: int) -> bytes:
    """Fold the partial tile of every level (top first) into MTH(D[0:size])."""

    def partial(level: int) -> bytes:
        count = hashes_at_level(size, level)
        width = count % TILE_WIDTH
        hashes = levels[level][(count - width) * HASH_SIZE :] if level else levels[0]
        return hashes[: width * HASH_SIZE]

    return root_from_partial_tiles(partial(level) for level in reversed(range(len(levels))))


def verify_log(
    source: LogSource,
    verifier_key: str | Verifier,
    *,
    origin: str | None = None,
    since: bytes | None = None,
    tally: dict | None = None,
    organisations: Collection[str] | None = None,
    progress: Progress | None = None,
    workers: int = 8,
) -> VerifiedLog:
    """Verify the log at ``source`` entirely; see the module docstring.

    ``since`` is an older signed checkpoint (bytes).  ``tally`` is the JSON
    object of the tally API: ``{"tree_size": int, "root_hash": base64,
    "totals": {...}}``.
    """
    verifier = as_verifier(verifier_key)
    checkpoint = read_checkpoint(source, verifier, origin)
    size = checkpoint.size
    tally_size, tally_root, tally_totals = _parse_tally(tally, size)
    if tally is not None:
        _check_tally_checkpoint(tally, verifier, checkpoint, tally_size, tally_root)

    counter = Tally(organisations)
    totals_at_tally: dict | None = counter.totals() if tally_size == 0 else None
    entry_fault: VerificationError | None = None
    tile_fault: VerificationError | None = None
    level1 = bytearray()  # hashes of the level 0 tiles, from the tiles as served
    last_level0 = b""
    done = 0
    for tile, bundle_bytes, tile_bytes in _level0_pairs(source, size, workers):
        width = tile.width
        if len(tile_bytes) != width * HASH_SIZE:
            raise TruncatedFile(
                f"{tile.path()} has {len(tile_bytes)} bytes, expected {width * HASH_SIZE}"
            )
        try:
            entries = decode_bundle(bundle_bytes, width)
        except TileError as exc:
            raise TruncatedFile(f"{Tile(ENTRIES_LEVEL, tile.index, width).path()}: {exc}") from None
        leaves = hash_leaves(entries)
        if leaves != tile_bytes and entry_fault is None:
            bad = tile.index * TILE_WIDTH + _first_difference(leaves, tile_bytes)
            entry_fault = EntryMismatch(f"entry {bad} does not hash to its leaf in {tile.path()}")
        if width == TILE_WIDTH:
            level1 += reduce_perfect(tile_bytes)
        else:
            last_level0 = tile_bytes  # folded into the root at the end
        start = tile.index * TILE_WIDTH
        if totals_at_tally is None and tally_size is not None and start + width >= tally_size:
            try:
                counter.add_many(entries[: tally_size - start])
                totals_at_tally = counter.totals()
                counter.add_many(entries[tally_size - start :])
            except TallyError as exc:
                raise BadEntry(str(exc)) from None
        else:
            try:
                counter.add_many(entries)
            except TallyError as exc:
                raise BadEntry(str(exc)) from None
        done = start + width
        if progress is not None:
            progress(done, size)

    # upper levels: compare served tiles with the hashes recomputed below
    levels: list[bytes] = [last_level0 if size % TILE_WIDTH else b""]
    computed = bytes(level1)
    level = 1
    while hashes_at_level(size, level):
        count = hashes_at_level(size, level)
        if len(computed) != count * HASH_SIZE:
            raise TileMismatch(f"level {level} has the wrong number of hashes")
        parents = bytearray()
        for index in range((count + TILE_WIDTH - 1) // TILE_WIDTH):
            width = min(TILE_WIDTH, count - index * TILE_WIDTH)
            tile = Tile(level, index, width)
            served = _fetch_tile(source, tile)
            if len(served) != width * HASH_SIZE:
                raise TruncatedFile(
                    f"{tile.path()} has {len(served)} bytes, expected {width * HASH_SIZE}"
                )
            expected = computed[
                index * FULL_TILE_BYTES : index * FULL_TILE_BYTES + width * HASH_SIZE
            ]
            if served != expected and tile_fault is None:
                below = index * TILE_WIDTH + _first_difference(served, expected)
                tile_fault = TileMismatch(
                    f"{tile.path()} does not match the hash of level {level - 1} tile {below}"
                    " recomputed from below"
                )
            if width == TILE_WIDTH:
                parents += reduce_perfect(served)
        levels.append(computed)
        computed = bytes(parents)
        level += 1
    if tile_fault is None and _root_from_levels(levels, size) != checkpoint.root_hash:
        tile_fault = TileMismatch("the tiles do not hash to the signed root hash")
    if tile_fault is not None:
        raise tile_fault
    if entry_fault is not None:
        raise entry_fault

    totals = counter.totals()
    if tally_size is not None:
        assert totals_at_tally is not None
        _compare_tally(source, size, tally_size, tally_root, tally_totals, totals_at_tally)
    if since is not None:
        check_consistency(source, verifier, checkpoint, since)
    return VerifiedLog(checkpoint, totals, tally_size)


def _parse_tally(tally: dict | None, size: int) -> tuple[int | None, bytes | None, dict | None]:
    if tally is None:
        return None, None, None
    try:
        tally_size = tally["tree_size"]
        root_b64 = tally["root_hash"]
        totals = tally["totals"]
        if type(tally_size) is not int or tally_size < 0 or not isinstance(totals, dict):
            raise TypeError
        root = base64.b64decode(root_b64, validate=True)
        if len(root) != HASH_SIZE:
            raise ValueError
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise TotalMismatch(
            "the tally must hold tree_size, root_hash (base64) and totals"
        ) from None
    if tally_size > size:
        raise TotalMismatch(
            f"the tally claims tree size {tally_size}, beyond the verified checkpoint's {size}"
        )
    return tally_size, root, totals


def _check_tally_checkpoint(
    tally: dict, verifier: Verifier, checkpoint: Checkpoint, tally_size: int, tally_root: bytes
) -> None:
    """The tally's ``checkpoint``: the signed note of the tree size and root it
    claims, by the log's own key and origin."""
    text = tally.get("checkpoint")
    if text is None:
        if tally_size == 0:
            return
        raise TotalMismatch(f"the tally names no signed checkpoint for its tree size {tally_size}")
    if not isinstance(text, str):
        raise TotalMismatch("the tally's checkpoint must be the text of a signed checkpoint")
    try:
        named = read_checkpoint(
            None, verifier, checkpoint.origin, data=text.encode("utf-8", "surrogatepass")
        )
    except VerificationError as exc:
        raise TotalMismatch(
            f"the tally's checkpoint is not a checkpoint of this log signed by its key ({exc})"
        ) from None
    if named.size != tally_size or named.root_hash != tally_root:
        claimed = base64.b64encode(tally_root).decode()
        signed = base64.b64encode(named.root_hash).decode()
        raise TotalMismatch(
            f"the tally's tree_size {tally_size} and root_hash {claimed} are not those of"
            f" its signed checkpoint (size {named.size}, root {signed})"
        )
    if named.size == checkpoint.size and named.root_hash != checkpoint.root_hash:
        raise TotalMismatch(
            f"the tally's signed checkpoint and the log's disagree on the root at size {named.size}"
        )


def _compare_tally(
    source: LogSource, size: int, tally_size: int, root: bytes, published: dict, recomputed: dict
) -> None:
    actual_root = tree_root(tally_size, _reader(source, size))
    if actual_root != root:
        raise TotalMismatch(
            f"the tally's root_hash is not the log's root at tree size {tally_size}"
        )
    if published != recomputed:
        diffs = []
        for key in sorted(set(published) | set(recomputed)):
            a, b = published.get(key), recomputed.get(key)
            if isinstance(a, dict) and isinstance(b, dict):
                for sub in sorted(set(a) | set(b)):
                    if a.get(sub) != b.get(sub):
                        diffs.append(
                            f"{key}.{sub}: published {a.get(sub)}, recomputed {b.get(sub)}"
                        )
            elif a != b:
                diffs.append(f"{key}: published {a}, recomputed {b}")
        raise TotalMismatch(f"at tree size {tally_size}: " + "; ".join(diffs[:5]))


def check_consistency(
    source: LogSource, verifier: Verifier, checkpoint: Checkpoint, older: bytes
) -> None:
    """Prove, from the log's tiles, that ``older`` (a signed checkpoint) is a
    prefix of ``checkpoint``; raise InconsistentCheckpoint if not."""
    old = read_checkpoint(source, verifier, checkpoint.origin, data=older)
    if old.size > checkpoint.size:
        raise InconsistentCheckpoint(
            f"older checkpoint has size {old.size} > current {checkpoint.size}"
        )
    try:
        proof = consistency_proof(old.size, checkpoint.size, _reader(source, checkpoint.size))
        verify_consistency(old.size, checkpoint.size, old.root_hash, checkpoint.root_hash, proof)
    except ProofError as exc:
        raise InconsistentCheckpoint(f"size {old.size} -> {checkpoint.size}: {exc}") from None


@dataclass(frozen=True)
class Inclusion:
    """A verified inclusion of one entry."""

    checkpoint: Checkpoint
    index: int
    entry: bytes
    proof: list[bytes]


def verify_entry_inclusion(
    source: LogSource,
    verifier_key: str | Verifier,
    index: int,
    *,
    entry: bytes | None = None,
    receipt_code: str | None = None,
    origin: str | None = None,
) -> Inclusion:
    """Check that the entry at ``index`` is in the signed tree (O(log n)
    tiles).  If ``entry`` is given it must be that entry; if
    ``receipt_code`` is given the entry must be a declaration committing to
    it (what a declarant checks with their receipt)."""
    verifier = as_verifier(verifier_key)
    checkpoint = read_checkpoint(source, verifier, origin)
    size = checkpoint.size
    if not 0 <= index < size:
        raise EntryMismatch(f"index {index} is not in the log (size {size})")
    width = min(TILE_WIDTH, size - index // TILE_WIDTH * TILE_WIDTH)
    bundle_tile = Tile(ENTRIES_LEVEL, index // TILE_WIDTH, width)
    try:
        served = decode_bundle(_fetch_tile(source, bundle_tile), width)[index % TILE_WIDTH]
    except TileError as exc:
        raise TruncatedFile(f"{bundle_tile.path()}: {exc}") from None
    if entry is not None and served != entry:
        raise EntryMismatch(f"entry {index} in the log differs from the expected entry")
    if receipt_code is not None:
        try:
            commitment = receipt_commitment(normalise_receipt_code(receipt_code))
            parsed = parse_entry(served)
        except EntryError as exc:
            raise EntryMismatch(f"entry {index}: {exc}") from None
        if not isinstance(parsed, Declaration) or parsed.receipt != commitment:
            raise EntryMismatch(f"entry {index} does not commit to this receipt")
    try:
        proof = inclusion_proof(index, size, _reader(source, size))
        verify_inclusion(index, size, hash_leaf(served), proof, checkpoint.root_hash)
    except ProofError as exc:
        raise EntryMismatch(str(exc)) from None
    except TileError as exc:
        raise TruncatedFile(str(exc)) from None
    return Inclusion(checkpoint, index, served, proof)
