"""One import of one partner file, all or nothing.

1. The file is read once for its SHA-256 and line count (the batch id defaults
   to the digest; a batch id already imported with the same digest changes
   nothing, with another digest it is refused).
2. In one transaction: rows are parsed and validated in chunks and stored as
   accepted through `registry.batch_intake.BatchIntake` (one age file key per batch:
   `importing.sealing`); a row whose key an earlier batch imported is skipped.
3. If any line was bad, everything is rolled back and every bad line is
   reported (line number, field, reason); otherwise the counters change once and
   the batch's log entries get a range of indices, in the same transaction.
"""

import csv
import datetime
import gc
import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuidang.importing import rows as file_rows
from tuidang.importing.models import ImportBatch
from tuidang.importing.progress import Progress
from tuidang.importing.sealing import BatchSealer
from tuidang.registry import bulk_rows, organisations
from tuidang.registry.batch_intake import BatchIntake, BatchIntakeError

CHUNK = 2000
KEPT_ERRORS = 1000  # every error goes to `on_error`; the report keeps the first ones


class ImportRefused(ValueError):
    """The batch cannot be imported as given (e.g. its id names another file)."""


@dataclass
class Report:
    batch_id: str
    rows: int = 0
    accepted: int = 0
    already_present: int = 0
    persons: int = 0
    already_imported: bool = False
    error_count: int = 0
    errors: list[file_rows.LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _RollBack(Exception):
    pass


def scan(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and number of lines of a file, read in 1 MiB blocks."""
    digest, lines = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            lines += block.count(b"\n")
    return digest.hexdigest(), lines


def run(
    path: Path,
    *,
    batch_id: str | None = None,
    kind: str | None = None,
    on_error: Callable[[file_rows.LineError], None] = lambda error: None,
    progress: Progress | None = None,
    receipts_path: Path | None = None,
) -> Report:
    kind = file_rows.file_format(path, kind)
    digest, lines = scan(path)
    report = Report(batch_id=batch_id or f"sha256:{digest}")
    if progress is not None:
        progress.total = max(lines - (1 if kind == "csv" else 0), 1)
    earlier = ImportBatch.objects.filter(batch_id=report.batch_id).first()
    if earlier is not None:
        return _already_imported(report, earlier, digest)
    # Like a request, a batch reads the organisations once (registry/organisations.py).
    organisations.request_started()
    try:
        with _fewer_collections():
            return _run(path, kind, digest, report, progress, on_error, receipts_path)
    finally:
        organisations.request_finished()


@contextmanager
def _fewer_collections():
    """The garbage collector, tuned for streaming: a chunk's objects are freed
    by reference counting, but the collector, counting allocations, would run
    every few rows and, every so often, walk every object of the process
    (≈ 18 % of the import's time). Objects that exist before the import are
    set aside (`gc.freeze`) and young objects are collected every 50,000
    allocations instead of 700; memory stays bounded by the chunk."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _run(path, kind, digest, report, progress, on_error, receipts_path) -> Report:
    receipts_temp = (
        receipts_path.with_name(receipts_path.name + ".partial") if receipts_path else None
    )
    try:
        with bulk_rows.bulk_connection(), transaction.atomic():
            batch = ImportBatch.objects.create(
                batch_id=report.batch_id, sha256=digest, day=timezone.now().date()
            )
            with _receipts_writer(receipts_temp) as write_receipt:
                intake = BatchIntake(BatchSealer().seal)
                for chunk in _chunks(file_rows.read(path, kind)):
                    _import_chunk(chunk, intake, report, on_error, write_receipt)
                    if progress is not None:
                        progress.update(len(chunk))
                if not report.ok:
                    raise _RollBack
                intake.finish()
            report.persons = intake.persons
            batch.rows, batch.accepted = report.rows, report.accepted
            batch.already_present, batch.persons = report.already_present, report.persons
            batch.save()
    except _RollBack:
        report.accepted = report.already_present = 0
        if receipts_temp is not None:
            receipts_temp.unlink(missing_ok=True)
        return report
    except IntegrityError:
        # Another import of the same batch id, or of rows with the same keys,
        # committed while this one ran: nothing of this one was written.
        if receipts_temp is not None:
            receipts_temp.unlink(missing_ok=True)
        raise ImportRefused(
            "a concurrent import stored the same batch or keys; nothing was written, run it again"
        ) from None
    finally:
        if progress is not None:
            progress.close()
    if receipts_temp is not None:
        # Dated to the import's day, like every file written about declarations.
        midnight = datetime.datetime.combine(batch.day, datetime.time(), datetime.UTC)
        os.utime(receipts_temp, (midnight.timestamp(), midnight.timestamp()))
        os.replace(receipts_temp, receipts_path)
    return report


def _already_imported(report: Report, earlier: ImportBatch, digest: str) -> Report:
    if earlier.sha256 != digest:
        raise ImportRefused(
            f"batch {report.batch_id!r} was imported from another file "
            f"(sha256 {earlier.sha256}); give this file its own --batch id"
        )
    report.already_imported = True
    report.rows = earlier.rows
    report.already_present = earlier.rows
    return report


def _chunks(records: Iterator) -> Iterator[list]:
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _import_chunk(chunk, intake: BatchIntake, report: Report, on_error, write_receipt) -> None:
    found: list[file_rows.LineError] = []
    bad = found.append

    good = []
    for record in chunk:
        if isinstance(record, file_rows.LineError):
            bad(record)
        else:
            good.append(record)
    report.rows += len(chunk)
    try:
        ids, codes = intake.store([row.declaration for row in good])
    except BatchIntakeError as failure:
        for position, error in sorted(failure.errors.items()):
            for name, messages in error.errors.items():
                bad(file_rows.LineError(good[position].line, name, " ".join(messages)))
        # Store the valid rows anyway (rolled back later), so that a key repeated
        # further down the file is still found and reported.
        good = [row for position, row in enumerate(good) if position not in failure.errors]
        ids, codes = intake.store([row.declaration for row in good])
    for row, declaration_id, code in zip(good, ids, codes, strict=True):
        if code is not None:
            report.accepted += 1
            write_receipt(row.key, code)
        elif intake.stored_here(declaration_id):
            bad(file_rows.LineError(row.line, "key", "repeats the key of an earlier line"))
        else:
            report.already_present += 1
    for error in sorted(found, key=lambda error: error.line):  # reported in line order
        report.error_count += 1
        if len(report.errors) < KEPT_ERRORS:
            report.errors.append(error)
        on_error(error)


class _receipts_writer:
    """Context manager: a function writing (key, receipt code) rows, or a no-op."""

    def __init__(self, path: Path | None):
        self.path = path
        self.handle = None

    def __enter__(self):
        if self.path is None:
            return lambda key, code: None
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.handle = open(descriptor, "w", newline="", encoding="utf-8")  # noqa: SIM115
        writer = csv.writer(self.handle)
        writer.writerow(["key", "receipt_code"])
        return lambda key, code: writer.writerow([key, code])

    def __exit__(self, *exc):
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
        return False
