"""Batch sealing for bulk import: one age file key per batch.

`registry.sealing.seal` makes a fresh age file per value, which costs one
X25519 key agreement per custodian per value (about 0.1 ms each). A batch of
millions of rows seals with one file key instead: the age header (the file key
wrapped to every custodian, with its MAC) is made once per batch, and each
value gets its own random 16-byte payload nonce, so its payload key
(HKDF-SHA256(file key, nonce, "payload")) is still unique. Every sealed value is
a complete, standard age v1 file (https://age-encryption.org/v1): custodians
open it with `age -d -i KEY` exactly like any other sealed value.

The trade-off (THREAT_MODEL.md, "Batch sealing"): the values of one batch share
the header, so whoever holds the database can tell which sealed values came in
the same batch (which the import channel and the batch record say anyway), and
whoever learns the file key of one value can open every value of that batch. The
file key lives only in this object's memory for the length of the import.

Plaintext format and meaning are those of `registry.sealing.seal`.
"""

import base64
import hashlib
import hmac
import os
from json.encoder import encode_basestring

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tuidang.registry import sealing

_X25519_INFO = b"age-encryption.org/v1/X25519"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHUNK = 64 * 1024
_LAST_CHUNK_NONCE = b"\x00" * 11 + b"\x01"
_NONCES_DRAWN = 4096  # payload nonces drawn from the OS at once
_IPAD = bytes(byte ^ 0x36 for byte in range(256))
_OPAD = bytes(byte ^ 0x5C for byte in range(256))
_sha256 = hashlib.sha256


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 (RFC 2104) for a key of at most 64 bytes, as `hmac.digest`
    computes it (a test compares both); written out, it costs two thirds of
    `hmac.digest`'s call, which a batch makes twice per sealed value."""
    key = key.ljust(64, b"\x00")
    inner = _sha256(key.translate(_IPAD) + message).digest()
    return _sha256(key.translate(_OPAD) + inner).digest()


def _plaintext(fields: dict[str, str]) -> bytes:
    """`json.dumps({"v": 1, **fields}, ensure_ascii=False)` (what
    `registry.sealing.seal` seals), written directly: the values are text, and
    json's own string encoder quotes them (a test compares both)."""
    quote = encode_basestring
    items = ", ".join(f"{quote(key)}: {quote(value)}" for key, value in fields.items())
    return f'{{"v": 1, {items}}}'.encode()


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def recipient_bytes(recipient: str) -> bytes:
    """The 32-byte X25519 key of an `age1…` recipient (already checked by pyrage)."""
    sealing.parse_recipient(recipient)  # validates the Bech32 checksum
    data = [_BECH32.index(char) for char in recipient.lower().rpartition("1")[2][:-6]]
    accumulator, bits, out = 0, 0, bytearray()
    for value in data:
        accumulator = (accumulator << 5) | value
        bits += 5
        while bits >= 8:
            bits -= 8
            out.append((accumulator >> bits) & 0xFF)
    return bytes(out)


def _x25519_stanza(file_key: bytes, recipient: bytes) -> str:
    ephemeral = X25519PrivateKey.generate()
    share = ephemeral.public_key().public_bytes_raw()
    secret = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    wrap_key = _hkdf(secret, share + recipient, _X25519_INFO)
    body = ChaCha20Poly1305(wrap_key).encrypt(b"\x00" * 12, file_key, None)
    return f"-> X25519 {_b64(share)}\n{_b64(body)}\n"


class BatchSealer:
    """Seals values of one batch with one file key; `seal` is a drop-in for
    `registry.sealing.seal`."""

    def __init__(self, recipients: list[str] | None = None):
        recipients = recipients if recipients is not None else sealing.recipient_strings()
        sealing.recipients()  # refuse to work without custodians, like single intake
        file_key = os.urandom(16)
        header = "age-encryption.org/v1\n"
        header += "".join(_x25519_stanza(file_key, recipient_bytes(r)) for r in recipients)
        header += "---"
        mac_key = _hkdf(file_key, b"", b"header")
        mac = hmac.new(mac_key, header.encode("ascii"), hashlib.sha256).digest()
        self.header = f"{header} {_b64(mac)}\n".encode("ascii")
        self._file_key = file_key
        self._nonces = b""  # random bytes drawn from the OS, used 16 at a time
        self._next_nonce = 0

    def seal(self, fields: dict[str, str]) -> bytes | None:
        present = {key: value for key, value in fields.items() if value}
        if not present:
            return None
        plaintext = _plaintext(present)
        if len(plaintext) > _CHUNK:
            raise ValueError("a sealed value is at most 64 KiB")
        if self._next_nonce == len(self._nonces):
            self._nonces, self._next_nonce = os.urandom(16 * _NONCES_DRAWN), 0
        nonce = self._nonces[self._next_nonce : self._next_nonce + 16]
        self._next_nonce += 16
        # HKDF-SHA256 (RFC 5869) with a 32-byte output is two HMACs; inlined, as
        # the general HKDF object costs more than the encryption itself.
        prk = _hmac_sha256(nonce, self._file_key)
        payload_key = _hmac_sha256(prk, b"payload\x01")
        # STREAM: one chunk, counter 0, last-chunk flag 1.
        sealed = ChaCha20Poly1305(payload_key).encrypt(_LAST_CHUNK_NONCE, plaintext, None)
        return self.header + nonce + sealed
