"""`tuidang reject ID ...`: reject received declarations."""

from django.core.management import BaseCommand, CommandError

from tuidang.registry import transitions
from tuidang.registry.models import Declaration


class Command(BaseCommand):
    help = "Reject received declarations by id."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+", type=int)

    def handle(self, *args, ids=(), **options):
        for declaration_id in ids:
            try:
                transitions.reject(declaration_id)
            except Declaration.DoesNotExist:
                raise CommandError(f"No declaration {declaration_id}.") from None
            except transitions.TransitionError as error:
                raise CommandError(f"Declaration {declaration_id}: {error}") from None
        self.stdout.write(f"Rejected {len(ids)} declaration(s).")
