"""The sequencer: copies the registry's log entries (the database is the source
of truth for their order) into the tile directory in batches, publishes a
signed checkpoint after each, and then the totals snapshot for that size.

One pass (`run_once`):
1. read every counter in one query — `entries` is the log size they belong to;
2. append the entries the tiles do not have yet, in order, `expected_size`
   guarding against gaps and doubles (the checkpoint is the commit point);
3. store the counters as the published totals of that checkpoint.
A crash anywhere leaves a consistent state; the next pass completes it.
Only one sequencer can hold the log directory (the store takes a lock).
"""

import base64
import logging
import threading

from django.conf import settings
from django.db import transaction

from tuidang.ledger.entries import EntryChecker
from tuidang.ledger.sequencer import LogWriter
from tuidang.registry import organisations, tally
from tuidang.registry.models import LogEntry
from tuidang.transparency.keys import load_signer
from tuidang.transparency.models import PublishedTally

logger = logging.getLogger(__name__)


class LogAheadOfDatabase(RuntimeError):
    """The tiles hold more entries than the database (e.g. a restored backup)."""


class Sequencer:
    def __init__(self, writer: LogWriter, batch_size: int, known_codes: set[str] | None = None):
        self.writer = writer
        self.batch_size = batch_size
        # The organisation codes the writer's entry check accepts: the same set
        # object, grown before each pass (administrators may add organisations
        # while the sequencer runs; codes are never removed).
        self.known_codes = known_codes

    @classmethod
    def open(cls) -> "Sequencer":
        known_codes = set(organisations.all_codes())
        writer = LogWriter.open(
            settings.TUIDANG_LOG_DIR,
            load_signer(),
            settings.TUIDANG_LOG_ORIGIN,
            check_entry=EntryChecker(known_codes),
        )
        return cls(writer, settings.TUIDANG_SEQUENCER_BATCH, known_codes)

    def close(self) -> None:
        self.writer.close()

    def run_once(self) -> int:
        """One pass; returns how many entries were appended."""
        snapshot = tally.totals()
        target = snapshot["entries"]
        start = size = self.writer.size
        if target < size:
            raise LogAheadOfDatabase(
                f"the log has {size} entries, the database only {target}: refusing to go on"
            )
        if size < target and self.known_codes is not None:
            self.known_codes.update(organisations.all_codes())
        while size < target:
            upto = min(target, size + self.batch_size)
            lines = [
                line.encode("ascii")
                for line in LogEntry.objects.filter(index__gte=size, index__lt=upto)
                .order_by("index")
                .values_list("line", flat=True)
            ]
            if len(lines) != upto - size:
                raise RuntimeError(f"log entries {size}..{upto} are not all in the database")
            size = self.writer.append(lines, expected_size=size)
        self._publish(snapshot)
        return size - start

    def _publish(self, snapshot: dict) -> None:
        checkpoint = self.writer.checkpoint
        if PublishedTally.objects.filter(pk=1, tree_size=checkpoint.size).exists():
            return
        with transaction.atomic():
            PublishedTally.objects.update_or_create(
                pk=1,
                defaults={
                    "tree_size": checkpoint.size,
                    "root_hash": base64.b64encode(checkpoint.root_hash).decode(),
                    "checkpoint": self.writer.signed_checkpoint.decode("utf-8"),
                    "totals": snapshot,
                },
            )

    def run_forever(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except LogAheadOfDatabase:
                raise
            except Exception:
                logger.exception("sequencer pass failed; retrying")
            stop.wait(interval)
