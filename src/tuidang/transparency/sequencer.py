"""The sequencer: cuts publication batches on the schedule
(`transparency.schedule`), copies their entries into the tile directory,
publishes a signed checkpoint, and then the totals of that checkpoint.

One pass (`run_once`):
1. complete the last batch: append the log entries the tiles do not have yet,
   in index order, `expected_size` guarding against gaps and doubles (the
   checkpoint is the commit point), and publish the batch's totals once the
   checkpoint has its size;
2. when the schedule says a new slot has begun, cut a batch: in one
   transaction, with the counters locked, every queued entry gets its index
   (in random order, `registry.log_batches.cut`), the counters are read as the
   batch's totals, milestones crossed by the published total are recorded;
   then complete it as in 1.
A crash anywhere leaves a consistent state; the next pass completes it.
Every file written for a batch is dated to the start of its slot, and after
each pass so are the SQLite database's files (`transparency.file_times`).
Only one sequencer can hold the log directory (the store takes a lock).
"""

import base64
import datetime
import logging
import threading

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuidang.ledger.entries import EntryChecker
from tuidang.ledger.sequencer import LogWriter
from tuidang.registry import log_batches, milestones, organisations, tally
from tuidang.registry.models import LogEntry
from tuidang.transparency import file_times, published, schedule
from tuidang.transparency.keys import load_signer
from tuidang.transparency.models import PublishedTally, SequencedBatch

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

    def run_once(self, now: datetime.datetime | None = None, *, cut: bool = False) -> int:
        """One pass; returns how many entries were appended. `cut` cuts a
        batch whatever the schedule says (tests, `tuidang sequencer --cut`)."""
        start = self.writer.size
        batch = SequencedBatch.objects.filter(pk=1).first()
        self._complete(batch)
        now = now or timezone.now()
        if cut or schedule.due(batch.slot if batch else None, now):
            batch = self._cut(schedule.slot_start(now), batch)
            self._complete(batch)
        file_times.redate_database_files(schedule.slot_start(now))
        return self.writer.size - start

    def _cut(self, slot: datetime.datetime, previous: SequencedBatch | None) -> SequencedBatch:
        """Cut a batch of every queued entry, for the slot starting at `slot`
        (with nothing queued, only the slot is recorded)."""
        if previous is not None and not log_batches.has_pending():
            if previous.slot < slot:  # once per slot; a read otherwise
                previous.slot = slot
                previous.save(update_fields=["slot"])
            return previous
        with transaction.atomic():
            log_batches.lock_counters()
            indices = log_batches.cut()
            totals = tally.totals()
            if totals["entries"] != indices.stop:
                raise RuntimeError(
                    f"the counters count {totals['entries']} log entries, "
                    f"the cut batch ends at {indices.stop}"
                )
            if previous is not None:
                before = previous.totals["persons"]
            else:
                before = published.latest()["totals"]["persons"]
            milestones.record_crossings(before, totals["persons"], slot.date())
            batch, _ = SequencedBatch.objects.update_or_create(
                pk=1, defaults={"tree_size": indices.stop, "totals": totals, "slot": slot}
            )
        return batch

    def _complete(self, batch: SequencedBatch | None) -> None:
        """Append the sequenced entries missing from the tiles; publish the
        batch's totals once the checkpoint has its size."""
        target = log_batches.next_index()
        size = self.writer.size
        if target < size:
            raise LogAheadOfDatabase(
                f"the log has {size} entries, the database only {target}: refusing to go on"
            )
        if size < target and self.known_codes is not None:
            self.known_codes.update(organisations.all_codes())
        self.writer.store.file_time = batch.slot.timestamp() if batch is not None else None
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
        if batch is not None and batch.tree_size == size:
            self._publish(batch.totals)

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
