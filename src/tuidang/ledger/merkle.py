"""Merkle Tree hashing and proofs, as specified by RFC 6962 section 2.1 and
RFC 9162 (Certificate Transparency Version 2.0) sections 2.1.1 to 2.1.4.

Hashes are SHA-256:

* leaf hash ``SHA-256(0x00 || entry)``,
* interior node hash ``SHA-256(0x01 || left || right)``,
* the root of the empty tree is ``SHA-256()``.

Proofs are built from a *hash reader*: a callable ``read_hash(level, index)``
returning the stored hash of the complete subtree of ``2**level`` leaves that
starts at leaf ``index * 2**level`` (the numbering of Go's ``golang.org/x/mod/
sumdb/tlog``).  A tiled log answers it from a handful of tiles, so making a
proof costs O(log n) reads, never O(n).

Verification follows the algorithms of RFC 9162 section 2.1.3.2 (inclusion)
and section 2.1.4.2 (consistency) step by step.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
"""Size in bytes of a SHA-256 hash."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() (RFC 6962 section 2.1)."""

HashReader = Callable[[int, int], bytes]
"""read_hash(level, index) -> hash of the complete subtree at that place."""

_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof does not verify, or a proof was asked for impossible sizes."""


def hash_leaf(entry: bytes) -> bytes:
    """Return the RFC 6962 leaf hash SHA-256(0x00 || entry)."""
    return _sha256(b"\x00" + entry).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 node hash SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def leaf_hashes(entries: Iterable[bytes]) -> list[bytes]:
    """Return the RFC 6962 leaf hash of each entry, in a list."""
    sha256 = _sha256
    return [sha256(b"\x00" + entry).digest() for entry in entries]


def parent_hashes(hashes: Sequence[bytes]) -> list[bytes]:
    """Return the level above ``hashes``: the node hash of each pair
    (hashes[0], hashes[1]), (hashes[2], hashes[3]), ... (an even count)."""
    if len(hashes) % 2:
        raise ValueError("parent_hashes needs an even number of hashes")
    sha256 = _sha256
    lefts, rights = hashes[0::2], hashes[1::2]
    return [
        sha256(b"\x01" + left + right).digest() for left, right in zip(lefts, rights, strict=True)
    ]


def reduce_perfect(hashes: bytes) -> bytes:
    """Return the root of a perfect subtree given its leaves' hashes.

    ``hashes`` is the concatenation of ``2**k`` hashes (k >= 0).
    """
    count = len(hashes) // HASH_SIZE
    if count == 0 or count & (count - 1) or len(hashes) % HASH_SIZE:
        raise ValueError("reduce_perfect needs a power-of-two number of hashes")
    if count == 1:
        return bytes(hashes)
    sha256 = _sha256
    level = [sha256(b"\x01" + hashes[i : i + 64]).digest() for i in range(0, len(hashes), 64)]
    while len(level) > 1:
        level = parent_hashes(level)
    return level[0]


def hash_leaves(entries: Iterable[bytes]) -> bytes:
    """Return the concatenated leaf hashes of ``entries``."""
    return b"".join(leaf_hashes(entries))


def largest_power_of_two_below(n: int) -> int:
    """Return k, the largest power of two with k < n (n >= 2; RFC 6962 2.1)."""
    if n < 2:
        raise ValueError("n must be at least 2")
    return 1 << ((n - 1).bit_length() - 1)


def tree_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return MTH(D[0:n]) given the n leaf hashes (RFC 6962 section 2.1).

    Runs in O(n) hashing with O(log n) memory, by folding the right edge.
    """
    edge = RightEdge()
    for leaf in leaf_hashes:
        edge.push(leaf)
    return edge.root()


class RightEdge:
    """The compact range [0, size): hashes of the complete subtrees along the
    right edge of the tree, largest first.

    This is all the state needed to append leaves and compute the root in
    O(log n) (the binary decomposition of ``size``).
    """

    __slots__ = ("size", "hashes", "levels")

    def __init__(self) -> None:
        self.size = 0
        self.hashes: list[bytes] = []
        self.levels: list[int] = []

    @classmethod
    def from_reader(cls, size: int, read_hash: HashReader) -> RightEdge:
        """Load the right edge of a tree of ``size`` leaves from stored hashes."""
        edge = cls()
        start = 0
        for level in reversed(range(size.bit_length())):
            if size >> level & 1:
                edge.hashes.append(read_hash(level, start >> level))
                edge.levels.append(level)
                start += 1 << level
        edge.size = size
        return edge

    def push(self, leaf_hash: bytes) -> None:
        """Append one leaf hash."""
        hashes, levels = self.hashes, self.levels
        hashes.append(leaf_hash)
        levels.append(0)
        while len(levels) > 1 and levels[-1] == levels[-2]:
            right = hashes.pop()
            levels.pop()
            hashes[-1] = _sha256(b"\x01" + hashes[-1] + right).digest()
            levels[-1] += 1
        self.size += 1

    def root(self) -> bytes:
        """Return MTH(D[0:size])."""
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = _sha256(b"\x01" + left + root).digest()
        return root


def subtree_hash(start: int, end: int, read_hash: HashReader) -> bytes:
    """Return MTH(D[start:end]) from stored complete-subtree hashes.

    ``start`` must be a multiple of the largest power of two not above
    ``end - start`` (true of every range used by RFC 6962 proofs), so the
    range splits left to right into complete subtrees of decreasing size,
    which are then folded right to left exactly as MTH would.
    """
    if end <= start:
        raise ValueError("empty or negative range")
    parts = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start & ((1 << level) - 1):
            level -= 1
        parts.append(read_hash(level, start >> level))
        start += 1 << level
    result = parts[-1]
    for left in reversed(parts[:-1]):
        result = _sha256(b"\x01" + left + result).digest()
    return result


def tree_root(size: int, read_hash: HashReader) -> bytes:
    """Return MTH(D[0:size]) from stored hashes (O(log size) reads)."""
    if size == 0:
        return EMPTY_ROOT
    return subtree_hash(0, size, read_hash)


def inclusion_proof(index: int, size: int, read_hash: HashReader) -> list[bytes]:
    """Return PATH(index, D[0:size]) of RFC 6962 section 2.1.1, leaf first."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    top_down: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = largest_power_of_two_below(hi - lo)
        if index - lo < k:
            top_down.append(subtree_hash(lo + k, hi, read_hash))
            hi = lo + k
        else:
            top_down.append(subtree_hash(lo, lo + k, read_hash))
            lo = lo + k
    top_down.reverse()
    return top_down


def consistency_proof(old_size: int, new_size: int, read_hash: HashReader) -> list[bytes]:
    """Return PROOF(old_size, D[0:new_size]) of RFC 6962 section 2.1.2.

    The proof between equal sizes, or from the empty tree, is empty.
    """
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    top_down: list[bytes] = []
    m, lo, hi, whole = old_size, 0, new_size, True
    while True:
        n = hi - lo
        if m == n:
            if not whole:
                top_down.append(subtree_hash(lo, hi, read_hash))
            break
        k = largest_power_of_two_below(n)
        if m <= k:
            top_down.append(subtree_hash(lo + k, hi, read_hash))
            hi = lo + k
        else:
            top_down.append(subtree_hash(lo, lo + k, read_hash))
            m -= k
            lo += k
            whole = False
    top_down.reverse()
    return top_down


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Run RFC 9162 section 2.1.3.2 and return the computed root ``r``.

    Raises ProofError when the algorithm says "fail" (bad index, proof of the
    wrong length).
    """
    if index >= size or index < 0:  # step 1
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    fn, sn = index, size - 1  # step 2
    r = leaf_hash  # step 3
    for p in proof:  # step 4
        if len(p) != HASH_SIZE:
            raise ProofError("proof element is not a SHA-256 hash")
        if sn == 0:  # 4a
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:  # 4b
            r = _sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn >>= 1  # 4c
        sn >>= 1
    if sn != 0:  # step 5
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify an inclusion proof (RFC 9162 section 2.1.3.2); raise ProofError."""
    if root_from_inclusion_proof(index, size, leaf_hash, proof) != root:
        raise ProofError(f"inclusion proof of leaf {index} does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Verify a consistency proof (RFC 9162 section 2.1.4.2); raise ProofError.

    RFC 9162 leaves two trivial cases to the caller; they are decided here as
    RFC 6962 defines their proofs: between equal sizes the proof MUST be empty
    and the roots equal; from the empty tree the proof MUST be empty.
    """
    if not 0 <= old_size <= new_size:
        raise ProofError(f"tree size went backwards: {old_size} > {new_size}")
    if old_size == new_size:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("different roots for the same tree size")
        return
    if old_size == 0:
        if proof:
            raise ProofError("consistency proof from the empty tree must be empty")
        return
    if not proof:  # step 1
        raise ProofError("consistency proof is empty")
    for c in proof:
        if len(c) != HASH_SIZE:
            raise ProofError("proof element is not a SHA-256 hash")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # step 2
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:  # 6a
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:  # 6b
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1  # 6c
        sn >>= 1
    if sn != 0:  # step 7
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the old root (size {old_size})")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the new root (size {new_size})")
