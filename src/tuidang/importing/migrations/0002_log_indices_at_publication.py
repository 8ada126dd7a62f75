"""An imported batch's entries get their log indices when the next publication
batch is cut, mixed with every other channel's: the batch no longer has a
first index of its own."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("importing", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(model_name="importbatch", name="first_log_index"),
    ]
