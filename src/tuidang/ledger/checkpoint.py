"""Transparency log checkpoints, as specified by C2SP tlog-checkpoint v1.0.0
(https://c2sp.org/tlog-checkpoint@v1.0.0): the text of a signed note made of

1. the origin line,
2. the tree size in ASCII decimal, no leading zeroes,
3. the base64 of the RFC 6962 root hash,
4. optional non-empty extension lines.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from .merkle import HASH_SIZE
from .note import Signer, Verifier, open_note, sign_note

_SIZE = re.compile(r"0|[1-9][0-9]*")


class CheckpointError(ValueError):
    """The note text is not a well-formed checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint body: origin, tree size, root hash, extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("origin must be one non-empty line")
        if self.size < 0:
            raise CheckpointError("tree size must not be negative")
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointError("root hash must be 32 bytes")
        for line in self.extensions:
            if not line or "\n" in line:
                raise CheckpointError("extension lines must be non-empty lines")

    def text(self) -> str:
        """Return the checkpoint note text (ending in a newline)."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text strictly."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint text must end in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint needs origin, size and root hash lines")
        origin, size, root_b64, *extensions = lines
        if not origin:
            raise CheckpointError("empty origin line")
        if not _SIZE.fullmatch(size):
            raise CheckpointError(f"bad tree size line {size!r}")
        try:
            root = base64.b64decode(root_b64.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise CheckpointError("root hash line is not base64") from exc
        if len(root) != HASH_SIZE or base64.b64encode(root).decode() != root_b64:
            raise CheckpointError("root hash line is not the base64 of 32 bytes")
        if any(not line for line in extensions):
            raise CheckpointError("empty extension line")
        return cls(origin, int(size), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> bytes:
    """Return the signed note of a checkpoint."""
    return sign_note(checkpoint.text(), signer)


def open_checkpoint(data: bytes, verifier: Verifier, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint and return it.

    Raises note.UnverifiedNoteError (bad or missing signature), CheckpointError
    (malformed body) or WrongOriginError (origin differs from ``origin``).
    """
    note = open_note(data, verifier)
    checkpoint = Checkpoint.from_text(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise WrongOriginError(f"checkpoint origin is {checkpoint.origin!r}, expected {origin!r}")
    return checkpoint


class WrongOriginError(CheckpointError):
    """The checkpoint is for another log."""
