"""Tests of tiles: C2SP tlog-tiles v1.0.0 paths, tile sets and bundles."""

from __future__ import annotations

import pytest

from tuidang.ledger.merkle import hash_leaf, tree_root
from tuidang.ledger.tiles import (
    ENTRIES_LEVEL,
    Tile,
    TileError,
    TileHashReader,
    bundle_path,
    changed_tiles,
    decode_bundle,
    decode_index,
    encode_bundle,
    encode_index,
    parse_tile_path,
    tile_path,
    tiles_for_size,
)


@pytest.mark.parametrize(
    "n,path",
    [
        (1234067, "x001/x234/067"),  # the example of the specification
        (0, "000"),
        (7, "007"),
        (999, "999"),
        (1000, "x001/000"),
        (1000000, "x001/x000/000"),
    ],
)
def test_tile_indices_are_encoded_in_3_digit_groups_prefixed_with_x(n, path):
    assert encode_index(n) == path
    assert decode_index(path) == n


@pytest.mark.parametrize(
    "bad", ["1", "0001", "x000/001", "x01/001", "001/001", "x001", "x001/x002"]
)
def test_non_canonical_tile_indices_are_rejected(bad):
    with pytest.raises(TileError):
        decode_index(bad)


def test_tile_paths_have_the_shape_of_the_specification():
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 0, 17) == "tile/1/000.p/17"
    assert bundle_path(3) == "tile/entries/003"
    assert bundle_path(273, 112) == "tile/entries/273.p/112"
    for path in [
        "tile/0/x001/x234/067",
        "tile/1/000.p/17",
        "tile/entries/273.p/112",
        "tile/63/000",
    ]:
        assert parse_tile_path(path).path() == path


@pytest.mark.parametrize(
    "bad",
    [
        "tile/64/000",
        "tile/01/000",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/017",
        "tile/x/000",
        "tile/0/0",
    ],
)
def test_bad_tile_paths_are_rejected(bad):
    with pytest.raises(TileError):
        parse_tile_path(bad)


def test_a_tree_of_70000_is_the_tiles_the_specification_lists():
    tiles = [t for t in tiles_for_size(70000) if t.level != ENTRIES_LEVEL]
    level0 = [t for t in tiles if t.level == 0]
    assert len([t for t in level0 if not t.is_partial]) == 273
    assert [t for t in level0 if t.is_partial] == [Tile(0, 273, 112)]
    assert [t for t in tiles if t.level == 1] == [Tile(1, 0, 256), Tile(1, 1, 17)]
    assert [t for t in tiles if t.level == 2] == [Tile(2, 0, 1)]
    assert len(tiles) == 273 + 1 + 2 + 1


def test_a_tree_of_256_is_a_full_level_0_tile_and_a_level_1_tile_of_width_1():
    assert [t.path() for t in tiles_for_size(256)] == [
        "tile/entries/000",
        "tile/0/000",
        "tile/1/000.p/1",
    ]


def test_an_empty_tree_has_no_tiles():
    assert tiles_for_size(0) == []


def test_growing_the_tree_rewrites_only_the_tiles_whose_width_changes():
    assert [t.path() for t in changed_tiles(1, 3)] == ["tile/entries/000.p/3", "tile/0/000.p/3"]
    assert [t.path() for t in changed_tiles(255, 257)] == [
        "tile/entries/000",
        "tile/entries/001.p/1",
        "tile/0/000",
        "tile/0/001.p/1",
        "tile/1/000.p/1",
    ]
    assert changed_tiles(300, 300) == []
    grown = set(changed_tiles(0, 5000)) - set(changed_tiles(0, 4000))
    assert grown <= set(tiles_for_size(5000))


def test_bundles_are_uint16_length_prefixed_and_strictly_decoded():
    entries = [b"", b"a", b"xy" * 300]
    data = encode_bundle(entries)
    assert data[:5] == b"\x00\x00\x00\x01a"
    assert decode_bundle(data, 3) == entries
    for bad, width in [(data[:-1], 3), (data + b"\x00", 3), (data, 4), (b"\x00", 1)]:
        with pytest.raises(TileError):
            decode_bundle(bad, width)
    with pytest.raises(TileError):
        encode_bundle([b"x" * 65536])


def make_tiles(size: int) -> dict[tuple[int, int, int], bytes]:
    """All tiles of a tree of ``size``, computed naively from leaf hashes."""
    from tuidang.ledger.merkle import reduce_perfect

    level_hashes = [hash_leaf(i.to_bytes(4, "big")) for i in range(size)]
    tiles = {}
    level = 0
    while level_hashes:
        for start in range(0, len(level_hashes), 256):
            chunk = level_hashes[start : start + 256]
            tiles[(level, start // 256, len(chunk))] = b"".join(chunk)
        level_hashes = [
            reduce_perfect(b"".join(level_hashes[i : i + 256]))
            for i in range(0, len(level_hashes) - 255, 256)
        ]
        level += 1
    return tiles


@pytest.mark.parametrize("size", [1, 255, 256, 257, 65536, 70000])
def test_hashes_read_from_tiles_give_the_root_of_the_tree(size):
    from tuidang.ledger.merkle import tree_hash

    tiles = make_tiles(size)
    fetched = []

    def fetch(tile: Tile) -> bytes:
        fetched.append(tile)
        return tiles[(tile.level, tile.index, tile.width)]

    reader = TileHashReader(size, fetch)
    expected = tree_hash([hash_leaf(i.to_bytes(4, "big")) for i in range(size)])
    assert tree_root(size, reader) == expected
    assert len(fetched) == len(set(fetched)) <= 3 * 2
