"""The retention schedule of originals: days after transcription, per channel.

Default 30 days for every channel; TUIDANG_RETENTION_DAYS overrides channels,
e.g. `fax=14 email=7` (docs/retention.md). `delete_due()` is what the
`tuidang retention` command runs."""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone

from tuidang.registry.choices import Channel
from tuidang.settings import env

DEFAULT_DAYS = 30
CHANNELS_WITH_ORIGINALS = (
    Channel.HOTLINE,
    Channel.OUTBOUND_CALL,
    Channel.FAX,
    Channel.EMAIL,
    Channel.IN_PERSON,
    Channel.BANKNOTE_POSTER,
)


def parse(words: list[str]) -> dict[str, int]:
    schedule = {}
    for word in words:
        channel, _sep, days = word.partition("=")
        if channel not in CHANNELS_WITH_ORIGINALS or not days.isdigit():
            raise ImproperlyConfigured(
                f"TUIDANG_RETENTION_DAYS: {word!r} is not channel=days "
                f"(channels: {', '.join(CHANNELS_WITH_ORIGINALS)})."
            )
        schedule[channel] = int(days)
    return schedule


def schedule() -> dict[str, int]:
    """Days to keep the originals of each channel."""
    configured = getattr(settings, "TUIDANG_RETENTION_DAYS", None)
    overrides = (
        dict(configured) if configured is not None else parse(env.word_list("RETENTION_DAYS", []))
    )
    return {channel: overrides.get(channel, DEFAULT_DAYS) for channel in CHANNELS_WITH_ORIGINALS}


def period(channel: str) -> datetime.timedelta:
    return datetime.timedelta(days=schedule().get(channel, DEFAULT_DAYS))


def overwrite_freed_bytes() -> None:
    """On SQLite, have this connection overwrite deleted or replaced content
    with zeros instead of leaving it in the database file (`secure_delete`)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def delete_due(today: datetime.date | None = None) -> int:
    """Delete every original whose day has come; returns how many."""
    from tuidang.console.models import Original

    today = today or timezone.now().date()
    overwrite_freed_bytes()
    due = Original.objects.filter(deleted_on__isnull=True, delete_on__lte=today)
    return due.update(sealed_content=None, deleted_on=today)
