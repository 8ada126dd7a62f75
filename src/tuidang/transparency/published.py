"""Reading the published totals and proofs, for the pages and the API."""

import base64
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from tuidang.ledger.merkle import EMPTY_ROOT, HASH_SIZE, hash_leaf, inclusion_proof
from tuidang.ledger.storage import DirectoryStore
from tuidang.ledger.tiles import Tile, TileHashReader, tile_path
from tuidang.ledger.totals import compute_totals
from tuidang.registry import organisations
from tuidang.registry.log_entries import declare_entry_of
from tuidang.transparency.models import PublishedTally


def latest() -> dict:
    """{"tree_size", "root_hash", "checkpoint", "totals"}: the totals at the
    latest checkpoint (the empty log's before the first one)."""
    row = PublishedTally.objects.filter(pk=1).first()
    if row is None:
        return {
            "tree_size": 0,
            "root_hash": base64.b64encode(EMPTY_ROOT).decode(),
            "checkpoint": None,
            "totals": compute_totals([], organisations.all_codes()),
        }
    return {
        "tree_size": row.tree_size,
        "root_hash": row.root_hash,
        "checkpoint": row.checkpoint,
        "totals": row.totals,
    }


def tree_size() -> int:
    """The size of the latest published checkpoint (0 before the first)."""
    return PublishedTally.objects.filter(pk=1).values_list("tree_size", flat=True).first() or 0


_rendered: tuple[str, bytes] | None = None


def latest_rendered(render: Callable[[dict], bytes]) -> bytes:
    """`render(latest())`, computed once per published checkpoint.

    The published totals change only when the sequencer publishes a new
    checkpoint, so a request costs one indexed read of the signed checkpoint
    (raw SQL: the ORM would cost more than the rest) instead of rendering every
    day, province and channel again. The signed checkpoint is the key: the same
    note means the same entries, hence the same totals, even across a restore.
    Kept per process.
    """
    global _rendered
    with connection.cursor() as cursor:
        cursor.execute("SELECT checkpoint FROM transparency_publishedtally WHERE id = 1")
        row = cursor.fetchone()
    cached = _rendered
    if row is not None and cached is not None and cached[0] == row[0]:
        return cached[1]
    document = latest()
    body = render(document)
    if document["checkpoint"] is not None:
        _rendered = (document["checkpoint"], body)
    return body


def tile_reader(store: DirectoryStore):
    """Read a tile as it was at an older size: once the sequencer has filled a
    tile it deletes the partial one, whose hashes are a prefix of the full one."""

    def read(tile: Tile) -> bytes:
        try:
            return store.read(tile.path())
        except FileNotFoundError:
            if not tile.is_partial:
                raise
            full = store.read(tile_path(tile.level, tile.index))
            return full[: tile.width * HASH_SIZE]

    return read


@dataclass(frozen=True)
class ReceiptProof:
    index: int
    tree_size: int
    root_hash: str
    leaf_hash: str
    proof: list[str]
    entry: str


def receipt_proof(declaration) -> ReceiptProof | None:
    """The inclusion proof of a declaration's declare entry against the latest
    published checkpoint, read from the tiles; None if not yet in it."""
    entry = declare_entry_of(declaration)
    published = PublishedTally.objects.filter(pk=1).first()
    if entry is None or published is None or entry.index >= published.tree_size:
        return None
    size = published.tree_size
    reader = TileHashReader(size, tile_reader(DirectoryStore(settings.TUIDANG_LOG_DIR)))
    proof = inclusion_proof(entry.index, size, reader)
    line = entry.line.encode("ascii")
    return ReceiptProof(
        index=entry.index,
        tree_size=size,
        root_hash=published.root_hash,
        leaf_hash=base64.b64encode(hash_leaf(line)).decode(),
        proof=[base64.b64encode(node).decode() for node in proof],
        entry=entry.line,
    )
