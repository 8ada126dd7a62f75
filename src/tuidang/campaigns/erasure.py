"""Removing a target's identity from the clear once a call ends in agreement.

"Agreed" next to a name is a declarant's identity. `seal_and_clear` seals the
target's name or title, unit and phone to the custodians (an age file they
open with `age -d`, like every sealed identity) and empties the fields. The
keyed hash of the number stays, so no later import lists the number again.

On SQLite the update runs with `secure_delete` on, so the bytes of the old
row are overwritten with zeros in the database file, and after the commit a
TRUNCATE checkpoint copies the WAL into the database and empties the WAL
file, which otherwise keeps the old page until it is overwritten. If readers
keep the checkpoint from finishing, the WAL is emptied by a later one (every
agreement tries, and closing the last connection checkpoints). On
PostgreSQL the old row version stays in the table's file until it is
vacuumed (autovacuum does it; THREAT_MODEL.md, known gaps)."""

from django.db import connection, transaction

from tuidang.campaigns.models import Target
from tuidang.console import retention
from tuidang.registry import sealing


def seal_and_clear(target: Target) -> None:
    """Seal and empty the target's identifying fields (the caller saves it)."""
    target.sealed_identity = sealing.seal(
        {"name_or_title": target.name_or_title, "unit": target.unit, "phone": target.phone_e164}
    )
    target.name_or_title = ""
    target.unit = ""
    target.phone_e164 = ""
    if connection.vendor == "sqlite":
        retention.overwrite_freed_bytes()
        transaction.on_commit(empty_wal)


def empty_wal() -> None:
    """Checkpoint the SQLite WAL into the database and truncate it (best effort)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
