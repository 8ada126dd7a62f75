"""`tuidang log rebuild DIR`: write the whole log again from the database into
an empty folder, byte for byte what the sequencer wrote (Ed25519 signatures are
deterministic). `tuidang log verify` needs no database and is handled by the
`tuidang` command itself (tuidang.cli → tuidang.ledger)."""

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from tuidang.ledger.entries import EntryChecker
from tuidang.ledger.sequencer import rebuild
from tuidang.registry import organisations
from tuidang.registry.models import LogEntry
from tuidang.transparency.keys import load_signer


class Command(BaseCommand):
    help = "Rebuild the log's tiles from the database into an empty folder."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        rebuild_parser = commands.add_parser("rebuild", help="regenerate tiles from the database")
        rebuild_parser.add_argument("directory", help="an empty folder to write into")

    def handle(self, *args, action=None, directory=None, **options):
        lines = (
            line.encode("ascii")
            for line in LogEntry.objects.order_by("index").values_list("line", flat=True).iterator()
        )
        try:
            checkpoint = rebuild(
                directory,
                lines,
                load_signer(),
                settings.TUIDANG_LOG_ORIGIN,
                check_entry=EntryChecker(organisations.all_codes()),
            )
        except FileExistsError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Rebuilt {checkpoint.size} entries into {directory}.")
