"""Declaration events leave the timed audit table; two-person unsealing.

- `DeclarationEvent`: events about a declaration, day only, random ids. The
  existing ones are moved over in random order (their old order is lost), and
  the account events left in `AuditEvent` are renumbered 1, 2, 3… so that no gap
  in their ids shows where a declaration event used to sit between two sign-ins.
  `AuditEvent` then keeps account events only, each with its time.
- `UnsealRequest`, `UnsealApproval`: requests to export sealed values and their
  approvals (console/unsealing.py).

Backwards, the declaration events go back into the shared table in random
order: their old order is gone on purpose.
"""

from datetime import UTC, datetime, time

import django.db.models.deletion
from django.conf import settings
from django.core.management.color import no_style
from django.db import migrations, models

import tuidang.console.models


def move_declaration_events(apps, schema_editor):
    AuditEvent = apps.get_model("console", "AuditEvent")
    DeclarationEvent = apps.get_model("console", "DeclarationEvent")
    moving = AuditEvent.objects.filter(declaration__isnull=False)
    rows = list(
        moving.order_by("?").values("actor_id", "action", "declaration_id", "day", "detail")
    )
    DeclarationEvent.objects.bulk_create(
        [DeclarationEvent(id=tuidang.console.models.random_id(), **row) for row in rows],
        batch_size=500,
    )
    moving.delete()
    for event in AuditEvent.objects.filter(at__isnull=True).only("id", "day"):
        # Cannot happen through audit.record; the start of its day, to be safe.
        event.at = datetime.combine(event.day, time(0), tzinfo=UTC)
        event.save(update_fields=["at"])
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    for new_id, old_id in enumerate(ids, start=1):
        if new_id != old_id:  # ascending, so new_id is always free
            AuditEvent.objects.filter(pk=old_id).update(id=new_id)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [AuditEvent]):
            cursor.execute(statement)


def move_them_back(apps, schema_editor):
    """Backwards (tests, a rollback): into the shared table again, day only."""
    AuditEvent = apps.get_model("console", "AuditEvent")
    DeclarationEvent = apps.get_model("console", "DeclarationEvent")
    rows = DeclarationEvent.objects.order_by("?").values(
        "actor_id", "action", "declaration_id", "day", "detail"
    )
    AuditEvent.objects.bulk_create([AuditEvent(at=None, **row) for row in rows], batch_size=500)
    DeclarationEvent.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0002_original_in_database"),
        ("registry", "0002_log_entries"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DeclarationEvent",
            fields=[
                (
                    "id",
                    tuidang.console.models.RandomIdField(
                        default=tuidang.console.models.random_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("action", models.CharField(max_length=32)),
                ("day", models.DateField()),
                ("detail", models.CharField(blank=True, max_length=200)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "declaration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.declaration",
                    ),
                ),
            ],
            options={
                "ordering": ["-day", "action", "declaration_id", "id"],
                "indexes": [models.Index(fields=["day"], name="declaration_event_day")],
            },
        ),
        migrations.RunPython(move_declaration_events, move_them_back, elidable=False),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["-at", "-id"]}),
        migrations.RemoveConstraint(
            model_name="auditevent", name="audit_declaration_events_have_no_time"
        ),
        migrations.RemoveField(model_name="auditevent", name="day"),
        migrations.RemoveField(model_name="auditevent", name="declaration"),
        migrations.AlterField(model_name="auditevent", name="at", field=models.DateTimeField()),
        migrations.CreateModel(
            name="UnsealRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("declarations", "Listed declarations"),
                            ("everything", "Everything (key rotation)"),
                        ],
                        max_length=16,
                    ),
                ),
                ("declarations", models.TextField(blank=True)),
                ("reason", models.TextField(max_length=1000)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for approval"),
                            ("approved", "Approved, not exported yet"),
                            ("refused", "Refused"),
                            ("cancelled", "Cancelled"),
                            ("exported", "Exported"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("requested_at", models.DateTimeField()),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("exported_at", models.DateTimeField(blank=True, null=True)),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("declarations", ""), ("scope", "everything")),
                            models.Q(
                                ("scope", "declarations"),
                                models.Q(("declarations", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="unseal_scope_matches_its_list",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="UnsealApproval",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                (
                    "custodian",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="approvals",
                        to="console.unsealrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("request", "custodian"), name="one_approval_each"
                    )
                ],
            },
        ),
    ]
