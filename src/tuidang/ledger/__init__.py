"""tuidang.ledger: the public transparency log of the tuidang registry.

A pure-Python (no Django) implementation of:

* RFC 6962 / RFC 9162 Merkle tree hashing and proofs (``merkle``),
* C2SP signed-note v1.0.0 with Ed25519 (``note``),
* C2SP tlog-checkpoint v1.0.0 (``checkpoint``),
* C2SP tlog-tiles v1.0.0 tiles and entry bundles (``tiles``, ``storage``,
  ``sequencer``, ``client``),
* the tuidang entry format and totals, version 1 (``entries``, ``totals``;
  docs/log-format.md),
* a verifier and command line (``verify``, ``python -m tuidang.ledger``).
"""

from .checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from .client import DirectorySource, HttpSource, open_source
from .entries import (
    Declaration,
    EntryChecker,
    EntryError,
    Revocation,
    declaration,
    encode_entry,
    normalise_receipt_code,
    parse_entry,
    receipt_commitment,
    revocation,
)
from .note import Signer, Verifier
from .sequencer import LogWriter, SizeMismatchError, StoreCorruptedError, rebuild
from .totals import Tally, TallyError, compute_totals
from .verify import VerificationError, VerifiedLog, verify_entry_inclusion, verify_log

__all__ = [
    "Checkpoint",
    "Declaration",
    "DirectorySource",
    "EntryChecker",
    "EntryError",
    "HttpSource",
    "LogWriter",
    "Revocation",
    "Signer",
    "SizeMismatchError",
    "StoreCorruptedError",
    "Tally",
    "TallyError",
    "VerificationError",
    "VerifiedLog",
    "Verifier",
    "compute_totals",
    "declaration",
    "encode_entry",
    "normalise_receipt_code",
    "open_checkpoint",
    "open_source",
    "parse_entry",
    "rebuild",
    "receipt_commitment",
    "revocation",
    "sign_checkpoint",
    "verify_entry_inclusion",
    "verify_log",
]
