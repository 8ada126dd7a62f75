"""`tuidang accept ID ... | --all`: accept received declarations from the
command line, as the console's moderation queue does one by one (the demo and
tests use it to count web declarations at once)."""

from django.core.management import BaseCommand, CommandError

from tuidang.registry import transitions
from tuidang.registry.choices import Status
from tuidang.registry.models import Declaration


class Command(BaseCommand):
    help = "Accept received declarations by id, or all of them with --all."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)
        parser.add_argument("--all", action="store_true", help="accept every received declaration")

    def handle(self, *args, ids=(), all=False, **options):
        if all:
            ids = list(
                Declaration.objects.filter(status=Status.RECEIVED).values_list("id", flat=True)
            )
        if not ids:
            raise CommandError("Name declaration ids, or use --all.")
        for declaration_id in ids:
            try:
                transitions.accept(declaration_id)
            except Declaration.DoesNotExist:
                raise CommandError(f"No declaration {declaration_id}.") from None
            except transitions.TransitionError as error:
                raise CommandError(f"Declaration {declaration_id}: {error}") from None
        self.stdout.write(f"Accepted {len(ids)} declaration(s).")
