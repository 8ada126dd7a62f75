"""`tuidang export sealed --output FILE`: every sealed identity and contact, as
one tar file of age-encrypted files that custodians open offline with
`age -d -i KEY` (docs/custodians.md). The server opens nothing."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from tuidang.server.sealed_export import export_sealed


class Command(BaseCommand):
    help = "Export sealed identities and contacts for the custodians (tar of .age files)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["sealed"], help="what to export")
        parser.add_argument(
            "--output", required=True, type=Path, help="the tar file to write (must not exist)"
        )

    def handle(self, *args, what, output, **options):
        if output.exists():
            raise CommandError(f"{output} exists; the export never overwrites a file.")
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a folder.")
        summary = export_sealed(output)
        self.stdout.write(
            f"Wrote {summary.path}: {summary.identities} sealed identities and "
            f"{summary.contacts} sealed contacts. Open them offline with "
            "`tar xf FILE` and `age -d -i YOUR-KEY sealed/….age` (docs/custodians.md)."
        )
