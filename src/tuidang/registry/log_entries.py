"""What the public log says about a declaration: the canonical declare and
revoke entries (docs/log-format.md), built with `tuidang.ledger.entries`.

`tuidang.registry.transitions` queues an entry (`PendingEntry`) in the
transaction that changes the status, right after the counters, whose `entries`
counter counts every entry, queued or sequenced. The entry gets its place in
the log only when the sequencer cuts the next publication batch
(`registry.log_batches`).
"""

import datetime
from collections.abc import Iterable

from tuidang.ledger import entries as ledger_entries
from tuidang.registry import organisations, tally
from tuidang.registry.models import Declaration, LogEntry, PendingEntry

DECLARE = "declare"
REVOKE = "revoke"


def place(declaration: Declaration) -> str:
    return declaration.province or declaration.country or ledger_entries.UNKNOWN_PLACE


def declare_line(declaration: Declaration, namings: Iterable[str] | None = None) -> bytes:
    """The declare entry; `namings` (of its Person rows) saves a query when known."""
    if namings is None:
        namings = declaration.people.values_list("naming", flat=True)
    namings = tally.naming_counts(namings, declaration.persons)
    return ledger_entries.Declaration(
        day=declaration.day.isoformat(),
        organisations=tuple(organisations.decode(declaration.organisations)),
        persons=declaration.persons,
        channel=declaration.channel,
        by="proxy" if declaration.by_proxy else "self",
        true_name=namings["true_name"],
        alias=namings["alias"],
        place=place(declaration),
        receipt=declaration.receipt_commitment,
    ).encode()


def append_declare(declaration: Declaration) -> PendingEntry:
    """Queue the declare entry of a declaration just accepted (inside that
    transaction, after `tally.count_in`)."""
    return PendingEntry.objects.create(
        declaration=declaration, kind=DECLARE, line=declare_line(declaration).decode("ascii")
    )


def append_revoke(declaration: Declaration, day: datetime.date) -> PendingEntry:
    """Queue the revoke entry of a declaration just revoked (inside that
    transaction, after `tally.count_out`); its line is made when the batch is
    cut, once the declare entry has an index (`log_batches.cut`)."""
    return PendingEntry.objects.create(declaration=declaration, kind=REVOKE, day=day)


def declare_entry_of(declaration: Declaration) -> LogEntry | None:
    return LogEntry.objects.filter(declaration=declaration, kind=DECLARE).first()
