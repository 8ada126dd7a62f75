"""The publication schedule: when the sequencer cuts the next batch.

Time is cut into slots of `TUIDANG_PUBLISH_INTERVAL` seconds, aligned so that
one starts every day at `TUIDANG_PUBLISH_AT` (UTC) when the interval divides a
day (the production default: one slot a day, starting at 00:00 UTC). Every
entry queued during a slot is published in one batch soon after the slot ends,
so the checkpoint's time and the files' times say only "in this slot".
An interval of 0 makes every sequencer pass a slot of its own (tests only).
"""

import datetime
import math

from django.conf import settings

UTC = datetime.UTC


def slot_start(now: datetime.datetime) -> datetime.datetime:
    """The start of the slot `now` falls in."""
    interval = settings.TUIDANG_PUBLISH_INTERVAL
    if interval == 0:
        return now.astimezone(UTC)
    offset = settings.TUIDANG_PUBLISH_AT
    start = math.floor((now.timestamp() - offset) / interval) * interval + offset
    return datetime.datetime.fromtimestamp(start, UTC)


def next_publication(now: datetime.datetime) -> datetime.datetime:
    """When the entries queued now will be published (at the latest a few
    seconds after this, when the sequencer runs)."""
    return slot_start(now) + datetime.timedelta(seconds=settings.TUIDANG_PUBLISH_INTERVAL)


def due(last_cut_slot: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Whether a batch should be cut now, the last one having been cut for
    the slot that started at `last_cut_slot` (None: never)."""
    if settings.TUIDANG_PUBLISH_INTERVAL == 0 or last_cut_slot is None:
        return True
    return slot_start(now) > last_cut_slot
