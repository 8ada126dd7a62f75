"""An optional proof of work on public intake, against scripted floods (THREAT_MODEL C35).

Off unless `TUIDANG_PROOF_OF_WORK` sets a difficulty (bits). Then every public
declare form, and `GET /api/v1/proof-of-work`, hands out a **challenge**:

    pow1.<bits>.<expires>.<nonce>:<signature>

signed by `django.core.signing` (HMAC-SHA256 with a key derived from SECRET_KEY
and this module's salt). It is stateless and tied to nobody: a random nonce and
an expiry, no address, no user agent, nothing about the request. The expiry is
rounded up to a quarter of an hour, so neither the token nor the cache entry
below dates a declaration more precisely than that.

A **solution** is a decimal counter such that SHA-256(challenge ‖ counter) (the
challenge's ASCII bytes, then the counter's) begins with at least the required
number of zero bits. The form's script (public/static/public/proof-of-work.js)
finds one; API clients send `Proof-Of-Work: <challenge>:<counter>`.

`check()` verifies the signature, the expiry, the difficulty and that the
challenge was not used before: a used challenge is remembered in Django's cache
under a hash of it until it expires (with the default local-memory cache each
worker process remembers on its own; a shared cache makes it exact).

A declaration without a valid solution is still recorded (no JavaScript must
keep working) but marked `unproven`: the moderation queue puts it after the
proven ones and labels it. With the setting off nothing is checked and every
declaration counts as proven (`unproven` stays False).
"""

import hashlib
import math
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

VERSION = "pow1"
SALT = "tuidang.web.proof_of_work"
# A challenge is valid for at least this long (the form may take a while to fill in)...
LIFETIME = 60 * 60
# ...and expires at the next multiple of this (coarse: see the module docstring).
ROUNDING = 15 * 60
COUNTER_MAX_DIGITS = 16
PROOF_MAX = 300
_USED_KEY = "pow-used:"

# Outcomes of check(); only PROVEN is a valid proof.
PROVEN = "proven"
MISSING = "missing"
MALFORMED = "malformed"
BAD_SIGNATURE = "bad-signature"
EXPIRED = "expired"
TOO_EASY = "too-easy"
REUSED = "reused"


def difficulty() -> int:
    """The required bits; 0 when proof of work is off."""
    return int(getattr(settings, "TUIDANG_PROOF_OF_WORK", 0) or 0)


def enabled() -> bool:
    return difficulty() > 0


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def new_challenge(*, now: float | None = None, bits: int | None = None) -> str:
    """A fresh signed challenge (`bits` and `now` only for tests)."""
    now = time.time() if now is None else now
    bits = difficulty() if bits is None else bits
    expires = math.ceil((now + LIFETIME) / ROUNDING) * ROUNDING
    nonce = secrets.token_urlsafe(16)
    return _signer().sign(f"{VERSION}.{bits}.{expires}.{nonce}")


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def work(challenge: str, counter: str) -> int:
    """The number of leading zero bits of SHA-256(challenge ‖ counter)."""
    digest = hashlib.sha256((challenge + counter).encode("ascii")).digest()
    return leading_zero_bits(digest)


def solve(challenge: str, bits: int) -> str:
    """A counter that meets `bits` (what the script does; for tests and API clients)."""
    counter = 0
    while work(challenge, str(counter)) < bits:
        counter += 1
    return str(counter)


def check(proof: str | None, *, now: float | None = None) -> str:
    """PROVEN, or why not. `proof` is `<challenge>:<counter>`. A proven
    challenge is used up: checking it again gives REUSED."""
    if not proof:
        return MISSING
    if len(proof) > PROOF_MAX or not proof.isascii():
        return MALFORMED
    challenge, _sep, counter = proof.rpartition(":")
    if not challenge or not counter.isdigit() or len(counter) > COUNTER_MAX_DIGITS:
        return MALFORMED
    try:
        payload = _signer().unsign(challenge)
    except signing.BadSignature:
        return BAD_SIGNATURE
    parts = payload.split(".")
    if len(parts) != 4 or parts[0] != VERSION or not parts[1].isdigit() or not parts[2].isdigit():
        return MALFORMED
    now = time.time() if now is None else now
    expires = int(parts[2])
    if expires <= now:
        return EXPIRED
    required = difficulty()
    if int(parts[1]) < required or work(challenge, counter) < required:
        return TOO_EASY
    used = _USED_KEY + hashlib.sha256(challenge.encode("ascii")).hexdigest()
    if not cache.add(used, 1, timeout=max(1, math.ceil(expires - now))):
        return REUSED
    return PROVEN


def unproven(proof: str | None) -> bool:
    """Whether a declaration with this proof is to be marked unproven (never
    when proof of work is off)."""
    return enabled() and check(proof) != PROVEN
