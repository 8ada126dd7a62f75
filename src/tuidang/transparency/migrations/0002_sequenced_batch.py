"""The last publication batch cut by the sequencer (transparency/sequencer.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("transparency", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SequencedBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tree_size", models.BigIntegerField()),
                ("totals", models.JSONField(help_text="tuidang-totals-v1 at tree_size")),
                ("slot", models.DateTimeField()),
            ],
        ),
    ]
