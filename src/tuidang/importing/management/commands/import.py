"""`tuidang import FILE`: import a partner centre's batch (CSV or JSON Lines,
docs/import.md), all or nothing, with a progress bar; exit status 1 and every
bad line reported if any line is bad."""

import sys
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils import translation

from tuidang.importing import runner
from tuidang.importing.progress import Progress


class Command(BaseCommand):
    help = "Import a partner centre's batch of declarations (CSV or JSON Lines), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch", help="batch id (default: the file's SHA-256)")
        parser.add_argument("--format", choices=["csv", "jsonl"], help="default: by extension")
        parser.add_argument(
            "--receipts", type=Path, help="write key,receipt_code of each accepted row here (0600)"
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--language", default="en", help="language of error messages (en, zh-hans, zh-hant)"
        )

    def handle(self, *args, file, batch=None, format=None, receipts=None, **options):
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        progress = None if options["no_progress"] else Progress(0, sys.stderr)
        try:
            with translation.override(options["language"]):
                report = runner.run(
                    file,
                    batch_id=batch,
                    kind=format,
                    on_error=lambda error: self.stderr.write(str(error)),
                    progress=progress,
                    receipts_path=receipts,
                )
        except (runner.ImportRefused, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.summary(report))
        if not report.ok:
            sys.exit(1)

    @staticmethod
    def summary(report: runner.Report) -> str:
        if report.already_imported:
            return f"Batch {report.batch_id} was already imported: nothing changed."
        if not report.ok:
            return (
                f"Batch {report.batch_id}: {report.error_count} bad line(s) of {report.rows}; "
                "nothing was imported. Fix them and import the whole file again."
            )
        return (
            f"Batch {report.batch_id}: {report.accepted} declaration(s) accepted "
            f"({report.persons} persons), in the public log with the next publication batch; "
            f"{report.already_present} already present."
        )
