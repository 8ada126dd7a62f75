"""Tests of merkle: RFC 6962 / RFC 9162 hashing and proofs."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuidang.ledger import merkle
from tuidang.ledger.merkle import (
    EMPTY_ROOT,
    ProofError,
    RightEdge,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    tree_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

# The RFC 6962 test vectors of certificate-transparency (merkle_tree_test):
# leaves, then MTH of the first n leaves for n = 0..8.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
CT_ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
CT_INCLUSION = {  # (index, size) -> proof
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CT_CONSISTENCY = {  # (old size, new size) -> proof
    (1, 1): [],
    (1, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}


def reference_mth(leaves: list[bytes]) -> bytes:
    """MTH exactly as the recursive definition of RFC 6962 section 2.1."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hash_leaf(leaves[0])
    k = merkle.largest_power_of_two_below(n)
    return hash_children(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


class StoredTree:
    """A precomputed tree: every complete subtree hash, for proofs."""

    def __init__(self, size: int) -> None:
        self.levels = [[hash_leaf(i.to_bytes(4, "big")) for i in range(size)]]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [hash_children(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )
        self.roots = {}

    def read_hash(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def leaf(self, index: int) -> bytes:
        return self.levels[0][index]

    def root(self, size: int) -> bytes:
        if size not in self.roots:
            self.roots[size] = tree_root(size, self.read_hash)
        return self.roots[size]


MAX_SIZE = 2500


@functools.cache
def stored_tree() -> StoredTree:
    return StoredTree(MAX_SIZE)


def hexes(proof):
    return [bytes.fromhex(h) for h in proof]


def test_the_roots_of_the_rfc6962_test_vectors_are_reproduced():
    for n, root in enumerate(CT_ROOTS):
        leaf_hashes = [hash_leaf(x) for x in CT_LEAVES[:n]]
        assert tree_hash(leaf_hashes) == root
        assert reference_mth(CT_LEAVES[:n]) == root


def test_the_empty_tree_hashes_to_sha256_of_nothing():
    assert EMPTY_ROOT.hex() == CT_ROOTS[0].hex()
    assert RightEdge().root() == EMPTY_ROOT


@pytest.mark.parametrize("index,size", sorted(CT_INCLUSION))
def test_inclusion_proofs_match_and_verify_the_rfc6962_test_vectors(index, size):
    leaves = [hash_leaf(x) for x in CT_LEAVES]
    levels = StoredTreeFrom(leaves)
    proof = inclusion_proof(index, size, levels.read_hash)
    assert proof == hexes(CT_INCLUSION[(index, size)])
    verify_inclusion(index, size, leaves[index], proof, CT_ROOTS[size])


@pytest.mark.parametrize("old,new", sorted(CT_CONSISTENCY))
def test_consistency_proofs_match_and_verify_the_rfc6962_test_vectors(old, new):
    levels = StoredTreeFrom([hash_leaf(x) for x in CT_LEAVES])
    proof = consistency_proof(old, new, levels.read_hash)
    assert proof == hexes(CT_CONSISTENCY[(old, new)])
    verify_consistency(old, new, CT_ROOTS[old], CT_ROOTS[new], proof)


class StoredTreeFrom(StoredTree):
    def __init__(self, leaf_hashes):
        self.levels = [list(leaf_hashes)]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [hash_children(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )


def test_tree_root_from_stored_hashes_equals_the_recursive_definition_for_every_small_size():
    tree = stored_tree()
    for size in range(0, 300):
        leaves = [i.to_bytes(4, "big") for i in range(size)]
        assert tree.root(size) == reference_mth(leaves)


def test_the_right_edge_loaded_from_stored_hashes_gives_the_same_root_and_keeps_growing():
    tree = stored_tree()
    for size in (0, 1, 5, 256, 1000):
        edge = RightEdge.from_reader(size, tree.read_hash)
        assert edge.root() == tree.root(size)
        edge.push(tree.leaf(size))
        assert edge.root() == tree.root(size + 1)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_every_inclusion_proof_verifies_and_any_altered_one_fails(data):
    tree = stored_tree()
    size = data.draw(st.integers(1, MAX_SIZE))
    index = data.draw(st.integers(0, size - 1))
    proof = inclusion_proof(index, size, tree.read_hash)
    root = tree.root(size)
    verify_inclusion(index, size, tree.leaf(index), proof, root)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        altered = list(proof)
        altered[which] = (int.from_bytes(altered[which], "big") ^ (1 << bit)).to_bytes(32, "big")
        with pytest.raises(ProofError):
            verify_inclusion(index, size, tree.leaf(index), altered, root)
        with pytest.raises(ProofError):
            verify_inclusion(index, size, tree.leaf(index), proof[:-1], root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, tree.leaf(index), proof + [root], root)
    if size > 1:
        other = (index + 1) % size
        with pytest.raises(ProofError):
            verify_inclusion(other, size, tree.leaf(index), proof, root)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_every_consistency_proof_verifies_and_any_altered_one_fails(data):
    tree = stored_tree()
    new = data.draw(st.integers(1, MAX_SIZE))
    old = data.draw(st.integers(1, new))
    proof = consistency_proof(old, new, tree.read_hash)
    verify_consistency(old, new, tree.root(old), tree.root(new), proof)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1))
        altered = list(proof)
        altered[which] = bytes([altered[which][0] ^ 1]) + altered[which][1:]
        with pytest.raises(ProofError):
            verify_consistency(old, new, tree.root(old), tree.root(new), altered)
        with pytest.raises(ProofError):
            verify_consistency(old, new, tree.root(old), tree.root(new), proof[1:])
    if old < new:
        with pytest.raises(ProofError):
            verify_consistency(
                old,
                new,
                tree.root(old),
                tree.root(new - 1) if new - 1 != old else b"\0" * 32,
                proof,
            )
        with pytest.raises(ProofError):
            verify_consistency(old, new, hash_leaf(b"not the old root"), tree.root(new), proof)


def test_inclusion_and_consistency_proofs_verify_for_every_pair_up_to_130():
    tree = stored_tree()
    for size in range(1, 131):
        root = tree.root(size)
        for index in range(size):
            verify_inclusion(
                index, size, tree.leaf(index), inclusion_proof(index, size, tree.read_hash), root
            )
            old = index + 1
            verify_consistency(
                old, size, tree.root(old), root, consistency_proof(old, size, tree.read_hash)
            )


def test_trivial_consistency_cases_follow_rfc6962():
    tree = stored_tree()
    verify_consistency(0, 10, EMPTY_ROOT, tree.root(10), [])
    verify_consistency(7, 7, tree.root(7), tree.root(7), [])
    with pytest.raises(ProofError):
        verify_consistency(7, 7, tree.root(7), tree.root(8), [])
    with pytest.raises(ProofError):
        verify_consistency(8, 7, tree.root(8), tree.root(7), [])
    with pytest.raises(ProofError):
        verify_consistency(3, 7, tree.root(3), tree.root(7), [])


def test_proofs_for_impossible_indices_are_refused():
    tree = stored_tree()
    with pytest.raises(ProofError):
        inclusion_proof(5, 5, tree.read_hash)
    with pytest.raises(ProofError):
        verify_inclusion(5, 5, tree.leaf(5), [], tree.root(5))
    with pytest.raises(ProofError):
        consistency_proof(6, 5, tree.read_hash)


def test_the_batch_hashing_helpers_agree_with_hashing_one_node_at_a_time():
    leaves = merkle.leaf_hashes(CT_LEAVES)
    assert leaves == [hash_leaf(x) for x in CT_LEAVES]
    assert merkle.hash_leaves(CT_LEAVES) == b"".join(leaves)
    parents = merkle.parent_hashes(leaves)
    assert parents == [hash_children(leaves[i], leaves[i + 1]) for i in range(0, 8, 2)]
    assert merkle.reduce_perfect(b"".join(leaves)) == CT_ROOTS[8]
    assert merkle.reduce_perfect(leaves[3]) == leaves[3]
    with pytest.raises(ValueError):
        merkle.parent_hashes(leaves[:3])
    with pytest.raises(ValueError):
        merkle.reduce_perfect(b"".join(leaves[:3]))
