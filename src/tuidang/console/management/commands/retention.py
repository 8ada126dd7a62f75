"""`tuidang retention`: delete the originals whose retention period is over.
Operators run it daily (cron or a systemd timer; docs/retention.md)."""

from django.core.management import BaseCommand

from tuidang.console import retention


class Command(BaseCommand):
    help = "Delete originals (fax images, photos, email text, notes) past their retention day."

    def handle(self, *args, **options):
        deleted = retention.delete_due()
        self.stdout.write(f"deleted {deleted} original(s)")
