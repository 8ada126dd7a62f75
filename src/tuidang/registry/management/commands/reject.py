"""`tuidang reject ID ...`: reject received declarations."""

from django.core.management import BaseCommand, CommandError

from tuidang.registry import transitions
from tuidang.registry.choices import RejectReason
from tuidang.registry.models import Declaration


class Command(BaseCommand):
    help = "Reject received declarations by id."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="+", type=int)
        parser.add_argument("--reason", required=True, choices=RejectReason.values)
        parser.add_argument("--note", default="", help="required with --reason other")

    def handle(self, *args, ids=(), reason=None, note="", **options):
        for declaration_id in ids:
            try:
                transitions.reject(declaration_id, reason, note)
            except Declaration.DoesNotExist:
                raise CommandError(f"No declaration {declaration_id}.") from None
            except transitions.TransitionError as error:
                raise CommandError(f"Declaration {declaration_id}: {error}") from None
        self.stdout.write(f"Rejected {len(ids)} declaration(s).")
