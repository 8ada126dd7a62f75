"""The queue's index carries the zone, the next attempt and the lease after
its order, so that SQLite passes over targets it may not hand out inside the
index (models.Target, queue.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_calls"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="target", name="target_queue_order"),
        migrations.AddIndex(
            model_name="target",
            index=models.Index(
                condition=models.Q(("callback_at__isnull", True), ("closed", False)),
                fields=[
                    "campaign",
                    "-priority",
                    "attempts",
                    "id",
                    "time_zone",
                    "next_attempt_at",
                    "lease_until",
                ],
                name="target_queue_order",
            ),
        ),
    ]
