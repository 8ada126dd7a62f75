"""The log-signing key: an Ed25519 signed-note key (C2SP signed-note) read from
TUIDANG_LOG_SIGNING_KEY_FILE (default: log-signing-key in the data folder,
0600). The verifier key is public and printed by `tuidang keys log-signing`."""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tuidang.ledger.note import Signer


def signing_key_path() -> Path:
    return Path(settings.TUIDANG_LOG_SIGNING_KEY_FILE)


def create_signing_key() -> Signer:
    """Generate a key named for the log's origin; refuse to overwrite one."""
    path = signing_key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    signer = Signer.generate(settings.TUIDANG_LOG_ORIGIN)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(signer.key_string() + "\n")
    return signer


def load_signer() -> Signer:
    path = signing_key_path()
    if not path.exists():
        raise ImproperlyConfigured(
            f"No log-signing key at {path}: run `tuidang keys log-signing` "
            "or set TUIDANG_LOG_SIGNING_KEY_FILE."
        )
    if path.stat().st_mode & 0o077:
        raise ImproperlyConfigured(f"{path} must be readable by its owner only (chmod 600).")
    return Signer.from_key_string(path.read_text().strip())


def verifier_key() -> str:
    return load_signer().verifier.key_string()


def verifier_key_or_none() -> str | None:
    """The verifier key to show on the site, or None if no key exists yet."""
    try:
        return verifier_key()
    except (ImproperlyConfigured, ValueError, OSError):
        return None
