"""Key material in the data folder: the custodians' age recipients (public keys
only) and, for the demo only, a custodian identity and a log-signing key."""

import os
from pathlib import Path

import pyrage

from tuidang.registry.sealing import CUSTODIANS_FILE

DEMO_IDENTITY_FILE = "DEMO-ONLY-custodian-identity.txt"


def write_private(path: Path, text: str) -> None:
    """Create a file readable by its owner only (0600) from the first byte."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def make_demo_custodian(data_dir: Path) -> str:
    """Generate a demo custodian key pair; returns the recipient (public key).

    The identity is written into the data folder, which a real deployment never
    does: real custodians keep their identities offline."""
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    write_private(
        data_dir / DEMO_IDENTITY_FILE,
        "# DEMO ONLY. A real custodian identity never lives on the server.\n"
        f"# public key: {recipient}\n{identity}\n",
    )
    (data_dir / CUSTODIANS_FILE).write_text(
        "# age recipients (public keys) that every identity and contact is sealed to.\n"
        f"{recipient}  # demo custodian\n"
    )
    return recipient
