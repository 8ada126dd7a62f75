"""The audit log never dates an intake: after a sign-in, a hotline intake and
another sign-in, nothing in the database (ids, row order, times) and nothing on
the audit page orders the intake between the two sign-ins. Account events keep
their time; declaration events are a table of their own, day only, random ids,
listed by day, then action and declaration number."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import make_declaration
from tuidang.console import audit
from tuidang.console.models import AuditEvent, DeclarationEvent

from .helpers import submit
from .personas import sign_in
from .test_hotline import CALL

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
# Whole hours for the sign-ins; the intake has a minute and second of its own,
# which must appear nowhere (nor any whole number of hours later, e.g. a
# session expiry).
SIGN_IN_1 = datetime.datetime(2026, 3, 2, 9, 0, 0, tzinfo=datetime.UTC)
INTAKE = datetime.datetime(2026, 3, 2, 11, 37, 13, 250000, tzinfo=datetime.UTC)
SIGN_IN_2 = datetime.datetime(2026, 3, 2, 15, 0, 0, tzinfo=datetime.UTC)


class Clock:
    def __init__(self, monkeypatch):
        self.now = SIGN_IN_1
        monkeypatch.setattr(timezone, "now", lambda: self.now)


def every_value_in_the_database() -> list[str]:
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the schema)
            values += [f"{table}: {value}" for row in cursor.fetchall() for value in row]
    return values


def sign_in_intake_sign_in(monkeypatch):
    clock = Clock(monkeypatch)
    sign_in("ada")
    clock.now = INTAKE
    response = submit(sign_in_at_intake(clock), "/console/hotline/", CALL)
    assert response.status_code == 200, response.content.decode()
    clock.now = SIGN_IN_2
    sign_in("cora")
    return clock


def sign_in_at_intake(clock):
    """Olga signed in at the first sign-in's time; she submits at INTAKE."""
    clock.now, intake = SIGN_IN_1, clock.now
    client = sign_in("olga")
    clock.now = intake
    return client


def test_nothing_in_the_database_dates_an_intake_between_two_sign_ins(personas, monkeypatch):
    sign_in_intake_sign_in(monkeypatch)
    intake = DeclarationEvent.objects.get(action="intake")
    assert intake.day == DAY
    # Times: the intake's minute and second are stored nowhere, in no table.
    stamp = re.compile(r":37:13")
    values = every_value_in_the_database()
    assert any("09:00:00" in v for v in values)  # the scan does see stored times
    assert [v for v in values if stamp.search(v)] == []
    # Ids and order: the intake took no id of the timed account events, so
    # their ids run without a gap around it (the old shared table left one).
    logins = list(AuditEvent.objects.order_by("id").values_list("id", "action", "at"))
    ids = [row[0] for row in logins]
    assert ids == list(range(ids[0], ids[0] + len(ids)))
    assert not AuditEvent.objects.filter(action="intake").exists()
    assert {row[2] for row in logins} <= {SIGN_IN_1, SIGN_IN_2}
    # The declaration events' table has no time column at all.
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(
            cursor, DeclarationEvent._meta.db_table
        )
    assert {c.name for c in columns} == {
        "id",
        "actor_id",
        "action",
        "declaration_id",
        "day",
        "detail",
    }


def test_declaration_events_have_random_ids_and_no_hidden_sequence(personas):
    declaration = make_declaration().declaration_id
    for _ in range(30):
        audit.record(None, "claim", declaration_id=declaration)
    if connection.vendor == "sqlite":  # a table's hidden rowid would be a sequence
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, id FROM {DeclarationEvent._meta.db_table}")
            rows = cursor.fetchall()
        assert all(rowid == pk for rowid, pk in rows)  # the id *is* the rowid
    ids = list(DeclarationEvent.objects.values_list("id", flat=True).order_by("id"))
    assert len(ids) == 30 and min(ids) > 2**40  # not a counter from 1


def test_the_audit_page_shows_account_events_apart_and_never_times_an_intake(personas, monkeypatch):
    sign_in_intake_sign_in(monkeypatch)
    page = sign_in("ada", drift=1).get("/console/audit/").content.decode()  # a fresh code
    account = re.search(r'<table class="list" id="account-events">(.*?)</table>', page, re.S)
    declarations = re.search(r'<div id="declaration-events">(.*?)</div>', page, re.S)
    assert account and declarations
    assert "login" in account.group(1) and "intake" not in account.group(1)
    assert "intake" in declarations.group(1) and "login" not in declarations.group(1)
    assert "2026-03-02" in declarations.group(1)
    assert not re.search(r"\d\d:\d\d", declarations.group(1))  # no time of day
    assert "11:37" not in page


def test_within_a_day_declaration_events_are_listed_by_action_and_number(personas):
    first, second = make_declaration().declaration_id, make_declaration().declaration_id
    audit.record(None, "intake", declaration_id=second)
    audit.record(None, "reviewed", declaration_id=first)
    audit.record(None, "intake", declaration_id=first)
    audit.record(None, "claim", declaration_id=second)
    page = sign_in("cora").get("/console/audit/").content.decode()
    block = re.search(r'<div id="declaration-events">(.*?)</div>', page, re.S).group(1)
    rows = re.findall(r'<tr><td data-action="(\w+)">[^<]+</td><td>#(\d+)</td>', block)
    expected = [("claim", second), ("intake", first), ("intake", second), ("reviewed", first)]
    assert rows == [(action, str(n)) for action, n in expected]
