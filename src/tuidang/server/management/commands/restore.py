"""`tuidang restore DIR [--allow-older] [--checkpoint FILE]`: restore a backup
over the configured database and log folder (server and sequencer stopped).
Refuses a backup older than the latest published checkpoint unless told to,
then checks the restored log and counters (server/backups.py)."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from tuidang.server import backups


class Command(BaseCommand):
    help = "Restore a backup made by `tuidang backup` (stop the server first)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help="the latest published checkpoint, e.g. fetched from a mirror "
            "(default: the one in the log folder)",
        )
        parser.add_argument(
            "--allow-older",
            action="store_true",
            help="restore even if the backup's log is older than the published checkpoint",
        )

    def handle(self, *args, folder, checkpoint=None, allow_older=False, **options):
        published = checkpoint.read_bytes() if checkpoint else None
        try:
            result = backups.restore(folder, allow_older=allow_older, checkpoint=published)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        if result.older_than_published:
            self.stderr.write(
                "WARNING: the restored log is older than the published checkpoint; "
                "mirrors that saw the newer checkpoint will report the log as inconsistent."
            )
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(f"restored, but {len(result.problems)} check(s) failed")
        self.stdout.write(
            f"Restored: log of {result.log_size} entries verifies, "
            f"{result.database_entries} entries in the database, counters match."
        )
