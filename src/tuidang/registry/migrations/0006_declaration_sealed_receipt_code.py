"""The receipt code sealed under the idempotency key, for retries
(registry/intake.py, `seal_receipt_code`). Nullable without a default, so
both SQLite and PostgreSQL add the column in place."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_pending_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="declaration",
            name="sealed_receipt_code",
            field=models.BinaryField(blank=True, null=True),
        ),
    ]
