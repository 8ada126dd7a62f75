"""Group commit: writes that threads of one process make at the same moment
share one transaction and one durable commit.

An acknowledged declaration must be on disk (SQLite `synchronous=FULL`,
PostgreSQL `synchronous_commit=on`), and a durable commit costs about a
millisecond of fsync on these disks, while SQLite's single write slot is held.
Under load that, not the work, was the limit. So a thread that wants to write
queues its write, and one of the waiting threads, the leader, runs every queued
write in one transaction, each in its own savepoint, and commits once. Each
thread returns only after the commit that holds its write: an answer still
means durable. A write that fails is rolled back to its savepoint and raises
its error in its own thread; the others still commit. If the commit itself
fails, every write of the batch raises that error and none is stored.

Used for writes made outside any transaction (a web request's). Inside an
atomic block a write runs at once, in the caller's transaction, as before.
"""

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

T = TypeVar("T")

# At most this many writes share a transaction (a bound on how long one
# commit holds the database's write slot).
MAX_BATCH = 64


class _Write:
    __slots__ = ("work", "done", "result", "error")

    def __init__(self, work: Callable[[], object]):
        self.work = work
        self.done = False
        self.result: object = None
        self.error: BaseException | None = None


_pending: list[_Write] = []
_pending_lock = threading.Lock()
# Held by the thread committing a batch; the others wait here for their turn
# (and usually find, when they get it, that their write is already committed).
_leader = threading.Lock()


def run(work: Callable[[], T]) -> T:
    """Run `work()` (database writes) in a transaction, durably committed
    before this returns; its result, or its exception."""
    if connection.in_atomic_block:
        with transaction.atomic():  # a savepoint: a failed write leaves the caller's usable
            return work()
    write = _Write(work)
    with _pending_lock:
        _pending.append(write)
    while not write.done:
        with _leader:
            if write.done:
                break
            with _pending_lock:
                batch = _pending[:MAX_BATCH]
                del _pending[:MAX_BATCH]
            _commit(batch)
    if write.error is not None:
        raise write.error
    return write.result  # type: ignore[return-value]


def _commit(batch: list[_Write]) -> None:
    committed = False
    failure: BaseException | None = None
    try:
        if len(batch) == 1:
            # Alone: no savepoint needed, a failure rolls back only this write.
            write = batch[0]
            try:
                with transaction.atomic():
                    write.result = write.work()
            except Exception as error:  # noqa: BLE001 - handed to the write's own thread
                write.error = error
        else:
            with transaction.atomic():
                for write in batch:
                    try:
                        with transaction.atomic():  # a savepoint per write
                            write.result = write.work()
                    except Exception as error:  # noqa: BLE001 - handed to its own thread
                        write.error = error
        committed = True
    except BaseException as error:
        failure = error
        raise
    finally:
        for write in batch:
            if not committed and write.error is None:
                write.error = failure or RuntimeError("the write was not committed")
                write.result = None
            write.done = True
