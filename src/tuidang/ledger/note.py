"""Signed notes with Ed25519 keys, as specified by C2SP signed-note v1.0.0
(https://c2sp.org/signed-note@v1.0.0), with the key string encodings of
``golang.org/x/mod/sumdb/note``.

A note is a UTF-8 text ending in a newline, a blank line, then one or more
signature lines ``— <key name> base64(key ID || signature)``.

* key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]
* verifier key: ``<name>+<hex key ID>+base64(0x01 || public key)``
* signer key:   ``PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || seed)``

Signer keys are generated or read at run time; none is ever kept in this
repository.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
"""Signature type identifier byte of Ed25519 (signed-note, Signature types)."""

MAX_SIGNATURES = 100
"""Verifiers MUST accept at least 16 signatures; we stop at 100."""

_SIG_PREFIX = "\u2014 "  # em dash, space
_SIG_LINE = re.compile(r"\u2014 (\S+) ([A-Za-z0-9+/=]+)")


class NoteError(ValueError):
    """A malformed note, key or signature."""


class UnverifiedNoteError(NoteError):
    """The note carries no valid signature from the expected key."""


class InvalidSignatureError(UnverifiedNoteError):
    """A signature from the known key failed to verify."""


def _b64decode(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError(f"bad base64: {text!r}") from exc
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteError(f"non-canonical base64: {text!r}")
    return raw


def check_key_name(name: str) -> None:
    """Raise NoteError unless ``name`` is a valid key name (non-empty, no
    Unicode spaces, no '+')."""
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"invalid key name {name!r}")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        raise NoteError(f"invalid key name {name!r}")


def key_id(name: str, public_key: bytes) -> int:
    """Return the uint32 Ed25519 key ID of ``name`` and a 32-byte public key."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 note verifier: key name, key ID and public key."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def from_key_string(cls, vkey: str) -> Verifier:
        """Parse ``<name>+<hex id>+<base64(0x01 || key)>``, checking the ID."""
        parts = vkey.split("+")
        if len(parts) < 3:
            raise NoteError("verifier key must be <name>+<hex id>+<base64 key>")
        # The base64 key may itself contain '+'; the name may not.
        name, id_hex, key_b64 = parts[0], parts[1], "+".join(parts[2:])
        check_key_name(name)
        if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
            raise NoteError("verifier key ID must be 8 lowercase hex digits")
        raw = _b64decode(key_b64)
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("verifier key is not an Ed25519 (0x01) key")
        public_key = raw[1:]
        kid = key_id(name, public_key)
        if kid != int(id_hex, 16):
            raise NoteError("verifier key ID does not match the name and key")
        return cls(name, kid, public_key)

    def key_string(self) -> str:
        """Return the verifier key string."""
        material = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id:08x}+{material}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Return True if ``signature`` is a valid Ed25519 signature."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


class Signer:
    """An Ed25519 note signer, from a 32-byte seed (RFC 8032 private key)."""

    def __init__(self, name: str, seed: bytes) -> None:
        check_key_name(name)
        if len(seed) != 32:
            raise NoteError("an Ed25519 seed is 32 bytes")
        self.name = name
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        public = self._private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = Verifier(name, key_id(name, public), public)

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    @classmethod
    def generate(cls, name: str) -> Signer:
        """Return a signer with a fresh random key."""
        import os

        return cls(name, os.urandom(32))

    @classmethod
    def from_key_string(cls, skey: str) -> Signer:
        """Parse ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>``."""
        parts = skey.strip().split("+")
        if len(parts) < 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise NoteError("signer key must start with PRIVATE+KEY+")
        name, id_hex, material = parts[2], parts[3], "+".join(parts[4:])
        if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
            raise NoteError("signer key ID must be 8 lowercase hex digits")
        raw = _b64decode(material)
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("signer key is not an Ed25519 (0x01) key")
        signer = cls(name, raw[1:])
        if signer.key_id != int(id_hex, 16):
            raise NoteError("signer key ID does not match the name and key")
        return signer

    def key_string(self) -> str:
        """Return the signer key string (secret: store it mode 0600)."""
        seed = self._private.private_bytes_raw()
        material = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return "+".join(["PRIVATE", "KEY", self.name, f"{self.key_id:08x}", material])

    def sign(self, message: bytes) -> bytes:
        """Return the raw 64-byte Ed25519 signature of ``message``."""
        return self._private.sign(message)


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID and the raw signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        blob = base64.b64encode(self.key_id.to_bytes(4, "big") + self.signature).decode()
        return f"{_SIG_PREFIX}{self.name} {blob}\n"


@dataclass(frozen=True)
class Note:
    """A parsed note: its text (ending in a newline) and signatures."""

    text: str
    signatures: tuple[Signature, ...]


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end in a newline")
    if any((ord(c) < 0x20 and c != "\n") or c == "\x7f" for c in text):
        raise NoteError("note contains a control character")


def sign_note(text: str, *signers: Signer) -> bytes:
    """Return the signed note of ``text`` (which must end in a newline)."""
    _check_text(text)
    if not signers:
        raise NoteError("a signed note needs at least one signer")
    message = text.encode("utf-8")
    lines = [Signature(s.name, s.key_id, s.sign(message)).line() for s in signers]
    return (text + "\n" + "".join(lines)).encode("utf-8")


def parse_note(data: bytes) -> Note:
    """Parse a signed note strictly, without verifying any signature."""
    try:
        note = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError("note is not valid UTF-8") from exc
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise NoteError("note has no signature lines")
    sigs = []
    for line in block[:-1].split("\n"):
        if len(sigs) >= MAX_SIGNATURES:
            raise NoteError("note has too many signatures")
        match = _SIG_LINE.fullmatch(line)
        if not match:
            raise NoteError(f"malformed signature line {line!r}")
        name, blob_b64 = match.groups()
        check_key_name(name)
        blob = _b64decode(blob_b64)
        if len(blob) < 5:
            raise NoteError("signature is too short")
        sigs.append(Signature(name, int.from_bytes(blob[:4], "big"), blob[4:]))
    return Note(text, tuple(sigs))


def open_note(data: bytes, verifier: Verifier) -> Note:
    """Parse ``data`` and verify it carries a valid signature by ``verifier``.

    Signatures from unknown keys (a different name or key ID) are ignored; a
    signature from the known key that fails rejects the whole note; a note
    with no signature from the known key is rejected.
    """
    note = parse_note(data)
    message = note.text.encode("utf-8")
    verified = False
    for sig in note.signatures:
        if sig.name != verifier.name or sig.key_id != verifier.key_id:
            continue
        if not verifier.verify(message, sig.signature):
            raise InvalidSignatureError(f"bad signature by {verifier.name}")
        verified = True
    if not verified:
        raise UnverifiedNoteError(f"note is not signed by {verifier.name}")
    return note
