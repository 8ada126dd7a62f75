"""What the public log says about a declaration: the canonical declare and
revoke entries (docs/log-format.md), built with `tuidang.ledger.entries`, and
their place in the log.

Entries are appended by `tuidang.registry.transitions`, in the transaction
that changes the status, right after the counters: the `entries` counter is the
log's size, and its row lock (PostgreSQL) or the immediate transaction (SQLite)
makes the index allocation serial, so committed indices have no gaps.
"""

import datetime
from collections.abc import Iterable

from tuidang.ledger import entries as ledger_entries
from tuidang.registry import organisations, tally
from tuidang.registry.models import Declaration, LogEntry

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


def _append(declaration: Declaration, kind: str, line: bytes) -> LogEntry:
    index = tally.counter("entries", "") - 1  # the counter already counts this entry
    return LogEntry.objects.create(
        index=index, declaration=declaration, kind=kind, line=line.decode("ascii")
    )


def append_declare(declaration: Declaration) -> LogEntry:
    return _append(declaration, DECLARE, declare_line(declaration))


def append_revoke(declaration: Declaration, reason: str, day: datetime.date) -> LogEntry:
    declared = LogEntry.objects.get(declaration=declaration, kind=DECLARE)
    line = ledger_entries.revocation(day=day, index=declared.index, reason=reason)
    return _append(declaration, REVOKE, line)


def declare_entry_of(declaration: Declaration) -> LogEntry | None:
    return LogEntry.objects.filter(declaration=declaration, kind=DECLARE).first()
