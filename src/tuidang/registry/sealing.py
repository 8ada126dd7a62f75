"""Sealing: true identities and contact details are encrypted with age to every
custodian recipient before they are stored. The server holds public keys only;
custodians open a sealed value offline with the standard `age` tool.

Sealed plaintext is UTF-8 JSON, e.g. {"v": 1, "true_name": "..."}.
"""

import json
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CUSTODIANS_FILE = "custodians.txt"


def recipient_strings() -> list[str]:
    """Configured age recipients: TUIDANG_CUSTODIAN_RECIPIENTS, else the lines of
    custodians.txt in the data folder (comments start with #)."""
    configured = list(settings.TUIDANG_CUSTODIAN_RECIPIENTS)
    if configured:
        return configured
    path = Path(settings.DATA_DIR) / CUSTODIANS_FILE
    if not path.exists():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def parse_recipient(text: str) -> pyrage.x25519.Recipient:
    try:
        return pyrage.x25519.Recipient.from_str(text)
    except Exception as error:
        raise ImproperlyConfigured(f"Not an age X25519 recipient: {text!r} ({error})") from None


def recipients() -> list:
    """The parsed custodian recipients. Parsed once per configuration: the
    list in the settings, or custodians.txt as it is on disk now (its inode,
    size and change times: any write changes them), so a key rotation takes
    effect at once."""
    key = _configuration_key()
    parsed = _parsed.get(key)
    if parsed is None:
        strings = recipient_strings()
        if not strings:
            raise ImproperlyConfigured(
                "No custodian recipients: set TUIDANG_CUSTODIAN_RECIPIENTS or write "
                f"age public keys into {CUSTODIANS_FILE} in the data folder (tuidang init)."
            )
        parsed = [parse_recipient(text) for text in strings]
        if len(_parsed) > 16:  # only a handful of configurations ever exist
            _parsed.clear()
        _parsed[key] = parsed
    return parsed


_parsed: dict[tuple, list] = {}


def _configuration_key() -> tuple:
    configured = tuple(settings.TUIDANG_CUSTODIAN_RECIPIENTS)
    if configured:
        return ("settings", configured)
    path = Path(settings.DATA_DIR) / CUSTODIANS_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ("missing", str(path))
    return ("file", str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def seal(fields: dict[str, str]) -> bytes | None:
    """Encrypt the non-empty fields to every custodian; None if all are empty."""
    present = {key: value for key, value in fields.items() if value}
    if not present:
        return None
    plaintext = json.dumps({"v": 1, **present}, ensure_ascii=False).encode("utf-8")
    return pyrage.encrypt(plaintext, recipients())
