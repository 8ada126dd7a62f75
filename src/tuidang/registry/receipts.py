"""Receipt codes: 80 random bits, written as 16 Crockford base32 symbols in four
groups of four (e.g. `7GQ4-M2XD-0KTB-9ZRC`), easy to read over a telephone.

The registry stores only `lookup_hash(code)`; the public log carries a different,
domain-separated commitment (`tuidang.ledger`), so neither can be derived from
the other without the code.
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS = 16
BITS = SYMBOLS * 5  # 80
# Crockford's decoding is forgiving about letters that look alike.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
LOOKUP_DOMAIN = b"tuidang receipt lookup v1\n"
"""Prefix of the hashed code in `lookup_hash` (the batch path hashes codes it made itself)."""


class InvalidReceiptCode(ValueError):
    pass


def new_code() -> str:
    return code_for(secrets.randbits(BITS))


def code_for(number: int) -> str:
    """The code of an 80-bit number (one-to-one: distinct numbers, distinct codes)."""
    if not 0 <= number < 1 << BITS:
        raise ValueError("a receipt number has 80 bits")
    symbols = []
    for _ in range(SYMBOLS):
        symbols.append(ALPHABET[number & 31])
        number >>= 5
    return format_code("".join(reversed(symbols)))


def format_code(compact: str) -> str:
    return "-".join(compact[i : i + 4] for i in range(0, SYMBOLS, 4))


def normalise(code: str) -> str:
    """The 16 compact symbols of a code as a person typed or read it; raises
    InvalidReceiptCode if it cannot be one."""
    compact = "".join(ch for ch in (code or "").upper() if ch not in " -_.\t")
    compact = compact.translate(_READ_AS)
    if len(compact) != SYMBOLS or any(ch not in ALPHABET for ch in compact):
        raise InvalidReceiptCode(code)
    return compact


def lookup_hash(code: str) -> str:
    return hashlib.sha256(LOOKUP_DOMAIN + normalise(code).encode("ascii")).hexdigest()
