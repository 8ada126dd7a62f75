"""Retention: originals are deleted on their channel's day by `tuidang retention`."""

import datetime

import pytest
from django.core.management import call_command

from tuidang.console import originals, retention
from tuidang.console.models import Original

pytestmark = pytest.mark.django_db


def test_the_default_schedule_keeps_originals_thirty_days(settings):
    settings.TUIDANG_RETENTION_DAYS = None
    assert set(retention.schedule().values()) == {30}


def test_the_schedule_can_be_set_per_channel(settings):
    settings.TUIDANG_RETENTION_DAYS = retention.parse(["fax=7", "email=2"])
    assert retention.schedule()["fax"] == 7 and retention.schedule()["email"] == 2
    assert retention.schedule()["hotline"] == 30


def test_a_malformed_schedule_fails_closed():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        retention.parse(["fax=soon"])


def test_the_retention_command_deletes_due_originals_and_keeps_the_rest(settings, capsys):
    settings.TUIDANG_RETENTION_DAYS = {"fax": 0, "email": 30}
    fax = originals.store(b"fax image", channel="fax", kind="image", declaration_id=None)
    email = originals.store(b"email text", channel="email", kind="text", declaration_id=None)
    assert originals.sealed(fax) and originals.sealed(email)
    call_command("retention")
    assert "deleted 1 original(s)" in capsys.readouterr().out
    fax.refresh_from_db()
    email.refresh_from_db()
    assert originals.sealed(fax) is None and fax.deleted_on is not None
    assert originals.sealed(email)
    later = datetime.date.today() + datetime.timedelta(days=30)
    assert retention.delete_due(later) == 1
    email.refresh_from_db()
    assert originals.sealed(email) is None and email.deleted_on == later
    assert retention.delete_due(later) == 0  # idempotent
    values = Original.objects.values_list("sealed_content", flat=True)
    assert list(values) == [None, None]
