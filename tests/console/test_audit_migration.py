"""The migration that moves declaration events out of the timed audit table:
every one arrives in `DeclarationEvent` (day, actor, action, detail kept), none
is left among the account events, and the account events are renumbered
without gaps, so no hole in their ids shows where an intake sat between two
sign-ins."""

import datetime
import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

NAME = "0003_declaration_events_apart_and_unsealing"
MIGRATION = importlib.import_module(f"tuidang.console.migrations.{NAME}").Migration
BEFORE = [dep for dep in MIGRATION.dependencies if dep[0] == "console"]
AFTER = [("console", NAME)]
DAY = datetime.date(2026, 3, 2)


def at(hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, hour, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_declaration_events_move_out_and_account_ids_close_up():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        user = apps.get_model("auth", "User").objects.create(username="olga")
        # The registry stays at its latest schema (only the console's migrations
        # move), so its current model writes the row.
        from tuidang.registry.models import Declaration

        declaration = Declaration.objects.create(
            organisations=",party,", persons=1, channel="hotline", day=DAY, status="accepted"
        )
        Event = apps.get_model("console", "AuditEvent")
        Event.objects.create(actor=user, action="login", day=DAY, at=at(9))
        Event.objects.create(
            actor=user, action="intake", declaration_id=declaration.pk, day=DAY, detail="hotline"
        )
        Event.objects.create(actor=user, action="logout", day=DAY, at=at(10))

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        apps = executor.loader.project_state(AFTER).apps
        account = apps.get_model("console", "AuditEvent").objects.order_by("id")
        assert [(e.id, e.action, e.at) for e in account] == [
            (1, "login", at(9)),
            (2, "logout", at(10)),
        ]
        (moved,) = apps.get_model("console", "DeclarationEvent").objects.all()
        assert (moved.action, moved.declaration_id, moved.day, moved.detail) == (
            "intake", declaration.pk, DAY, "hotline",
        )  # fmt: skip
        assert moved.actor_id == user.pk and moved.id > 2
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
