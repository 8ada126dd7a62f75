"""`tuidang backup DIR`: a consistent online copy of the database (SQLite's
backup API, or pg_dump), the public log and the public keys (server/backups.py)."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from tuidang.server import backups


class Command(BaseCommand):
    help = "Back up the database, the public log and the public keys into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder")

    def handle(self, *args, folder, **options):
        try:
            manifest = backups.backup(folder)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up the {manifest['database']} database and a log of "
            f"{manifest['log_size']} entries into {folder}."
        )
