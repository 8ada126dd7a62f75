"""`tuidang revoke ID --reason REASON`: revoke an accepted declaration (it stays
stored, and stops being counted)."""

from django.core.management import BaseCommand, CommandError

from tuidang.registry import transitions
from tuidang.registry.choices import RevokeReason
from tuidang.registry.models import Declaration


class Command(BaseCommand):
    help = "Revoke an accepted declaration."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int)
        parser.add_argument("--reason", required=True, choices=RevokeReason.values)

    def handle(self, *args, id=None, reason=None, **options):
        try:
            transitions.revoke(id, reason)
        except Declaration.DoesNotExist:
            raise CommandError(f"No declaration {id}.") from None
        except transitions.TransitionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Revoked declaration {id} ({reason}).")
