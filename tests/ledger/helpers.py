"""Helpers of the tuidang.ledger tests: a fixed test signer (derived from a
fixed seed at run time, never stored as a key file) and entry generators."""

from __future__ import annotations

import hashlib
import random

from tuidang.ledger.entries import CHANNELS, Declaration, Revocation
from tuidang.ledger.note import Signer

TEST_ORIGIN = "log.tuidang.test/ledger"
TEST_SEED = hashlib.sha256(b"tuidang ledger test key seed v1").digest()


def make_signer(name: str = TEST_ORIGIN) -> Signer:
    return Signer(name, TEST_SEED)


def random_declaration(rng: random.Random, day: int = 25) -> bytes:
    persons = rng.randint(1, 5)
    true_name = rng.randint(0, persons)
    alias = rng.randint(0, persons - true_name)
    orgs = rng.sample(["party", "league", "pioneers"], rng.randint(1, 3))
    place = rng.choice(["-", "CN", "CN-GD", "CN-BJ", "US", "TW", "CN-HK"])
    return Declaration(
        f"2026-11-{day:02d}",
        tuple(orgs),
        persons,
        rng.choice(CHANNELS),
        rng.choice(["self", "proxy"]),
        true_name,
        alias,
        place,
        hashlib.sha256(rng.randbytes(16)).hexdigest(),
    ).encode()


def make_entries(count: int, seed: int = 1, revoke_every: int = 0) -> list[bytes]:
    """Deterministic mix of declarations and (if asked) valid revocations."""
    rng = random.Random(seed)
    entries: list[bytes] = []
    declared: list[int] = []
    for index in range(count):
        if revoke_every and index % revoke_every == revoke_every - 1 and declared:
            target = declared.pop(rng.randrange(len(declared)))
            entries.append(
                Revocation("2026-11-27", target, rng.choice(["duplicate", "error"])).encode()
            )
        else:
            declared.append(index)
            entries.append(random_declaration(rng, 20 + index % 8))
    return entries
