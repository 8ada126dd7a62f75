"""`tuidang retention`: delete the originals whose retention period is over,
and what call campaigns keep past theirs (call notes, a finished campaign's
targets). Operators run it daily (cron or a systemd timer; docs/retention.md)."""

from django.core.management import BaseCommand

from tuidang.campaigns import retention as campaign_retention
from tuidang.console import retention


class Command(BaseCommand):
    help = "Delete originals (fax images, photos, email text, notes) past their retention day."

    def handle(self, *args, **options):
        deleted = retention.delete_due()
        self.stdout.write(f"deleted {deleted} original(s)")
        campaigns = campaign_retention.delete_due()
        self.stdout.write(
            f"deleted {campaigns.call_notes} call note(s) and "
            f"{campaigns.targets} target(s) of finished campaigns"
        )
