"""Log entries wait in `PendingEntry` for the next publication batch, which
gives them their indices (registry/log_batches.py)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_declaration_unproven"),
    ]

    operations = [
        migrations.CreateModel(
            name="PendingEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=8)),
                ("line", models.TextField(blank=True)),
                ("day", models.DateField(blank=True, null=True)),
                (
                    "declaration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.declaration",
                    ),
                ),
            ],
        ),
    ]
