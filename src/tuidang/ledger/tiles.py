"""Tiles and entry bundles, as specified by C2SP tlog-tiles v1.0.0
(https://c2sp.org/tlog-tiles@v1.0.0).

* Hash tiles of height 8 (256 hashes, 8,192 bytes when full) at
  ``tile/<L>/<N>[.p/<W>]``; a hash at tile level L is the Merkle Tree Hash of
  ``256**L`` consecutive entries.
* Entry bundles at ``tile/entries/<N>[.p/<W>]``: big-endian uint16
  length-prefixed entries.
* ``<N>`` is written in zero-padded 3-digit path elements, all but the last
  prefixed with ``x`` (1234067 -> ``x001/x234/067``).
* A tree of size s has, at level L, ``s // 256**L`` hashes; the last tile of a
  level is partial (width 1..255) when that count is not a multiple of 256.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .merkle import EMPTY_ROOT, HASH_SIZE, hash_children, reduce_perfect

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
MAX_ENTRY_SIZE = 0xFFFF


class TileError(ValueError):
    """A malformed tile path, tile or entry bundle."""


def encode_index(n: int) -> str:
    """Encode a tile index as 3-digit path elements: 1234067 -> x001/x234/067."""
    if n < 0:
        raise TileError("tile index must not be negative")
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def decode_index(path: str) -> int:
    """Decode ``x001/x234/067`` back to 1234067, rejecting other spellings."""
    elements = path.split("/")
    n = 0
    for i, element in enumerate(elements):
        last = i == len(elements) - 1
        if not re.fullmatch(r"[0-9]{3}" if last else r"x[0-9]{3}", element):
            raise TileError(f"bad tile index element {element!r}")
        n = n * 1000 + int(element[-3:])
    if encode_index(n) != path:  # no leading x000 groups
        raise TileError(f"non-canonical tile index {path!r}")
    return n


@dataclass(frozen=True, order=True)
class Tile:
    """A tile: level (0..63, or -1 for an entry bundle), index and width."""

    level: int
    index: int
    width: int

    def path(self) -> str:
        """Return the path of this tile below the log prefix."""
        suffix = "" if self.width == TILE_WIDTH else f".p/{self.width}"
        where = "entries" if self.level == ENTRIES_LEVEL else str(self.level)
        return f"tile/{where}/{encode_index(self.index)}{suffix}"

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH


ENTRIES_LEVEL = -1
"""Tile.level used for entry bundles (they sit beside level 0)."""

_TILE_PATH = re.compile(
    r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]*))?"
)


def parse_tile_path(path: str) -> Tile:
    """Parse ``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``."""
    match = _TILE_PATH.fullmatch(path)
    if not match:
        raise TileError(f"not a tile path: {path!r}")
    level_text, index_text, width_text = match.groups()
    level = ENTRIES_LEVEL if level_text == "entries" else int(level_text)
    if level > 63:
        raise TileError("tile level must be at most 63")
    width = TILE_WIDTH if width_text is None else int(width_text)
    if width_text is not None and width >= TILE_WIDTH:
        raise TileError("partial tile width must be 1..255")
    return Tile(level, decode_index(index_text), width)


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """Return ``tile/<L>/<N>[.p/<W>]``."""
    return Tile(level, index, width).path()


def bundle_path(index: int, width: int = TILE_WIDTH) -> str:
    """Return ``tile/entries/<N>[.p/<W>]``."""
    return Tile(ENTRIES_LEVEL, index, width).path()


def hashes_at_level(size: int, level: int) -> int:
    """Return how many hashes tile level ``level`` holds for a tree of ``size``."""
    return size >> (TILE_HEIGHT * level)


def tile_width(size: int, level: int, index: int) -> int:
    """Return the width of tile ``index`` at ``level`` in a tree of ``size``
    (0 if it does not exist yet)."""
    count = hashes_at_level(size, level)
    return max(0, min(TILE_WIDTH, count - index * TILE_WIDTH))


def tiles_for_size(size: int) -> list[Tile]:
    """Return every hash tile and entry bundle of a tree of ``size``."""
    return changed_tiles(0, size)


def changed_tiles(old_size: int, new_size: int) -> list[Tile]:
    """Return the tiles and bundles to write when the tree grows from
    ``old_size`` to ``new_size``: every tile whose width differs, at the new
    size, from its width at the old size.  Bundles come first, then tiles
    level by level.
    """
    if not 0 <= old_size <= new_size:
        raise TileError("tree cannot shrink")
    result: list[Tile] = []
    level = 0
    while hashes_at_level(new_size, level):
        old_count = hashes_at_level(old_size, level)
        new_count = hashes_at_level(new_size, level)
        first = old_count // TILE_WIDTH
        last = (new_count - 1) // TILE_WIDTH
        for index in range(first, last + 1):
            width = min(TILE_WIDTH, new_count - index * TILE_WIDTH)
            if index * TILE_WIDTH + width > old_count:
                if level == 0:
                    result.append(Tile(ENTRIES_LEVEL, index, width))
                result.append(Tile(level, index, width))
        level += 1
    result.sort(key=lambda t: (t.level, t.index))
    return result


def encode_bundle(entries: list[bytes]) -> bytes:
    """Return an entry bundle: each entry prefixed by its uint16 BE length."""
    parts = []
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError("entry longer than 65535 bytes")
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(entry)
    return b"".join(parts)


def decode_bundle(data: bytes, width: int) -> list[bytes]:
    """Split a bundle of exactly ``width`` entries; raise TileError if it is
    truncated or has trailing bytes."""
    entries = []
    pos, end = 0, len(data)
    for _ in range(width):
        if pos + 2 > end:
            raise TileError(f"entry bundle truncated: {len(entries)} of {width} entries")
        length = (data[pos] << 8) | data[pos + 1]
        pos += 2
        if pos + length > end:
            raise TileError(f"entry bundle truncated inside entry {len(entries)}")
        entries.append(data[pos : pos + length])
        pos += length
    if pos != end:
        raise TileError("entry bundle has bytes after its last entry")
    return entries


TileFetcher = Callable[[Tile], bytes]
"""fetch(tile) -> the bytes of that hash tile (as stored for its width)."""


class TileHashReader:
    """Answer merkle.HashReader questions for a tree of ``size`` from tiles.

    The stored hash (level, index) lives in the tile at level
    ``level // 8``; levels in between are recomputed from the tile's hashes.
    Only tiles that exist at ``size`` are fetched (the partial ones with the
    width ``size`` implies), and each is fetched once.
    """

    def __init__(self, size: int, fetch: TileFetcher) -> None:
        self.size = size
        self._fetch = fetch
        self._cache: dict[tuple[int, int], bytes] = {}

    def tile_hashes(self, level: int, index: int) -> bytes:
        """Return the contents of tile (level, index) at this tree size."""
        key = (level, index)
        data = self._cache.get(key)
        if data is None:
            width = tile_width(self.size, level, index)
            if width == 0:
                raise TileError(f"tile {level}/{index} does not exist at size {self.size}")
            tile = Tile(level, index, width)
            data = self._fetch(tile)
            if len(data) != width * HASH_SIZE:
                raise TileError(
                    f"{tile.path()} has {len(data)} bytes, expected {width * HASH_SIZE}"
                )
            self._cache[key] = data
        return data

    def __call__(self, level: int, index: int) -> bytes:
        tile_level, sub = divmod(level, TILE_HEIGHT)
        first = index << sub  # first hash at the tile level
        count = 1 << sub
        tile_index, offset = divmod(first, TILE_WIDTH)
        data = self.tile_hashes(tile_level, tile_index)
        start = offset * HASH_SIZE
        chunk = data[start : start + count * HASH_SIZE]
        if len(chunk) != count * HASH_SIZE:
            raise TileError(f"hash ({level}, {index}) is beyond tree size {self.size}")
        return reduce_perfect(chunk)


def iter_levels(size: int) -> Iterator[int]:
    """Yield the tile levels that have at least one hash at ``size``."""
    level = 0
    while hashes_at_level(size, level):
        yield level
        level += 1


def root_from_partial_tiles(partials_top_first: Iterable[bytes]) -> bytes:
    """MTH of a tree given the hashes of its partial tile at each level, top
    level (leftmost leaves) first: the complete subtrees of each partial tile,
    from left to right, folded from the right (RFC 6962 section 2.1)."""
    parts: list[bytes] = []
    for hashes in partials_top_first:
        width = len(hashes) // HASH_SIZE
        pos = 0
        for bit in reversed(range(TILE_HEIGHT)):
            if width >> bit & 1:
                step = (1 << bit) * HASH_SIZE
                parts.append(reduce_perfect(hashes[pos : pos + step]))
                pos += step
    if not parts:
        return EMPTY_ROOT
    root = parts[-1]
    for left in reversed(parts[:-1]):
        root = hash_children(left, root)
    return root
