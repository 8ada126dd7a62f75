"""Cutting a publication batch: the queued log entries (`PendingEntry`) get
their indices in the public log, in random order.

A declaration's log entry is queued in the transaction that accepts or revokes
it, and gets its place in the log only here, when the sequencer cuts the next
batch (on the schedule of `transparency.schedule`). Within a batch the declare
entries come first, shuffled, then the revoke entries, shuffled (a revoke entry
names the index of its declare entry, which may be in the same batch). So
neither an entry's position nor the checkpoint's time dates a declaration finer
than its batch.

`cut()` runs inside the caller's transaction, which must also read the counters
(`tally.totals()`) for the batch: after `lock_counters()` no acceptance or
revocation can commit until that transaction ends, so the counters read then
are exactly the totals of the log with the batch appended.
"""

import datetime
import secrets
from collections.abc import Callable, Iterator

from django.db import connection, transaction

from tuidang.ledger import entries as ledger_entries
from tuidang.registry import bulk_rows
from tuidang.registry.log_entries import DECLARE, REVOKE
from tuidang.registry.models import Declaration, LogEntry, PendingEntry, Tally

_SLICE = 20_000  # entries per statement

Shuffle = Callable[[list], None]


def _system_shuffle(items: list) -> None:
    """Fisher–Yates with the operating system's random numbers."""
    for i in range(len(items) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        items[i], items[j] = items[j], items[i]


def lock_counters() -> None:
    """Wait for every acceptance and revocation in flight, and hold back new
    ones until the caller's transaction ends.

    Each of them bumps the `entries` counter before it queues its entry, so
    the row lock on that counter (PostgreSQL) orders them against the cut. On
    SQLite the caller's transaction is already the only writer (immediate
    transactions)."""
    assert transaction.get_connection().in_atomic_block
    if connection.vendor == "postgresql":
        list(Tally.objects.select_for_update().filter(dimension="entries", key=""))


def next_index() -> int:
    """The index the next sequenced entry gets: the number of log entries."""
    last = LogEntry.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def has_pending() -> bool:
    return PendingEntry.objects.exists()


def cut(shuffle: Shuffle = _system_shuffle) -> range:
    """Give every queued entry its log index (declares first, then revokes,
    each group in random order) and return the indices given. Call inside the
    transaction that called `lock_counters()`."""
    assert transaction.get_connection().in_atomic_block
    start = next_index()
    declares, revokes = [], []
    for pk, kind in PendingEntry.objects.order_by().values_list("id", "kind").iterator():
        (declares if kind == DECLARE else revokes).append(pk)
    if not declares and not revokes:
        return range(start, start)
    shuffle(declares)
    shuffle(revokes)
    index = start
    for ids in _slices(declares):
        found = {
            pk: (declaration_id, line)
            for pk, declaration_id, line in PendingEntry.objects.filter(id__in=ids)
            .order_by()
            .values_list("id", "declaration_id", "line")
        }
        rows = [(index + n, found[pk][0], DECLARE, found[pk][1]) for n, pk in enumerate(ids)]
        bulk_rows.insert(LogEntry, ["index", "declaration_id", "kind", "line"], rows)
        index += len(rows)
    for ids in _slices(revokes):
        rows = [(index + n, *values) for n, values in enumerate(_revoke_rows(ids))]
        bulk_rows.insert(LogEntry, ["index", "declaration_id", "kind", "line"], rows)
        index += len(rows)
    _delete_pending(declares + revokes)
    return range(start, index)


def _slices(ids: list[int]) -> Iterator[list[int]]:
    for at in range(0, len(ids), _SLICE):
        yield ids[at : at + _SLICE]


def _revoke_rows(ids: list[int]) -> list[tuple[int, str, str]]:
    """(declaration id, "revoke", line) for these pending revoke entries, in
    the order of `ids`. Their declare entries are in the log already (an
    earlier batch, or this one: declares are sequenced first)."""
    pending = {
        pk: (declaration_id, day)
        for pk, declaration_id, day in PendingEntry.objects.filter(id__in=ids).values_list(
            "id", "declaration_id", "day"
        )
    }
    revokes = [pending[pk] for pk in ids]
    lines = _revocation_lines(revokes, declared={})
    return [
        (declaration_id, REVOKE, line.decode("ascii"))
        for (declaration_id, _day), line in zip(revokes, lines, strict=True)
    ]


def _revocation_lines(
    revokes: list[tuple[int, datetime.date]], declared: dict[int, int]
) -> list[bytes]:
    """The revoke line of each (declaration id, day), naming its declare
    entry's index: from `declared` (declares not yet in the log), else from
    the log."""
    missing = [declaration_id for declaration_id, _ in revokes if declaration_id not in declared]
    declared = {
        **declared,
        **dict(
            LogEntry.objects.filter(kind=DECLARE, declaration_id__in=missing).values_list(
                "declaration_id", "index"
            )
        ),
    }
    reasons = dict(
        Declaration.objects.filter(id__in=[d for d, _ in revokes]).values_list(
            "id", "revoke_reason"
        )
    )
    return [
        ledger_entries.revocation(
            day=day, index=declared[declaration_id], reason=reasons[declaration_id]
        )
        for declaration_id, day in revokes
    ]


def _delete_pending(ids: list[int]) -> None:
    for part in _slices(ids):
        PendingEntry.objects.filter(id__in=part)._raw_delete(PendingEntry.objects.db)


def pending_lines(start: int) -> list[bytes]:
    """The lines the queued entries would have if a batch were cut now with
    no shuffling, from index `start` (for `tally.check_log`: the counters
    must equal the log's totals with these appended)."""
    declares = list(
        PendingEntry.objects.filter(kind=DECLARE)
        .order_by("id")
        .values_list("declaration_id", "line")
    )
    declared = {declaration_id: start + n for n, (declaration_id, _) in enumerate(declares)}
    revokes = list(
        PendingEntry.objects.filter(kind=REVOKE).order_by("id").values_list("declaration_id", "day")
    )
    return [line.encode("ascii") for _, line in declares] + _revocation_lines(revokes, declared)
