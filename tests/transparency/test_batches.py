"""Publication in batches: accepted declarations and revocations enter the log,
the published totals, the statements and the milestones only when the
sequencer cuts a batch on the schedule; within a batch the log's order is
random; every file of the log is dated to the start of the batch's slot."""

import datetime
import os

import pytest

from tuidang.registry import intake, tally, transitions
from tuidang.registry.choices import Channel, RevokeReason
from tuidang.registry.models import LogEntry, Milestone, PendingEntry
from tuidang.transparency import keys, published, schedule
from tuidang.transparency.models import SequencedBatch
from tuidang.transparency.sequencer import Sequencer

from ..factories import declaration_input, make_declaration

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
DAY = datetime.datetime(2026, 12, 3, tzinfo=UTC)


@pytest.fixture
def daily(settings, log_folder):
    """The production schedule: one batch a day at 00:00 UTC; yields a function
    running one sequencer pass at a given time."""
    settings.TUIDANG_PUBLISH_INTERVAL = 86400
    settings.TUIDANG_PUBLISH_AT = 0
    keys.create_signing_key()
    sequencer = Sequencer.open()

    def run(at: datetime.datetime) -> int:
        return sequencer.run_once(now=at)

    yield run
    sequencer.close()


def hotline_intake(n: int):
    """A volunteer's intake, accepted at once (the console's path)."""
    item = declaration_input(channel=Channel.HOTLINE, idempotency_key=f"hotline:{n}")
    return intake.declare(item, accept=True)


def test_the_schedule_cuts_slots_aligned_to_the_publication_hour(settings):
    settings.TUIDANG_PUBLISH_INTERVAL = 86400
    settings.TUIDANG_PUBLISH_AT = 3 * 3600
    at = DAY.replace(hour=14, minute=19, second=7)
    assert schedule.slot_start(at) == DAY.replace(hour=3)
    assert schedule.next_publication(at) == DAY.replace(hour=3) + datetime.timedelta(days=1)
    assert schedule.slot_start(DAY.replace(hour=2)) == DAY.replace(hour=3) - datetime.timedelta(
        days=1
    )
    assert not schedule.due(DAY.replace(hour=3), at)
    assert schedule.due(DAY.replace(hour=3), at + datetime.timedelta(hours=13))


def test_accepted_declarations_wait_for_the_next_batch(daily):
    daily(DAY)  # the first pass: nothing queued yet
    receipts = [hotline_intake(n) for n in range(3)]
    assert tally.total() == 3  # counted at once, for the console
    assert PendingEntry.objects.count() == 3 and not LogEntry.objects.exists()
    for hour in (1, 9, 23):
        assert daily(DAY.replace(hour=hour, minute=59)) == 0
    assert published.latest()["tree_size"] == 0
    assert daily(DAY + datetime.timedelta(days=1, seconds=2)) == 3
    assert published.latest()["tree_size"] == 3
    assert published.latest()["totals"] == tally.totals()
    assert not PendingEntry.objects.exists()
    assert {e.declaration_id for e in LogEntry.objects.all()} == {
        r.declaration_id for r in receipts
    }
    assert SequencedBatch.objects.get().slot == DAY + datetime.timedelta(days=1)


def test_polling_the_checkpoint_cannot_tell_when_a_volunteer_intake_happened(daily, client):
    """While volunteers take calls through the day, the public checkpoint does
    not change; at the next slot one checkpoint holds them all, in an order
    that is not the order of the calls."""
    daily(DAY)
    seen = {client.get("/log/checkpoint").content}
    calls = []
    for n in range(40):
        calls.append(hotline_intake(n).declaration_id)
        daily(DAY + datetime.timedelta(minutes=20 * n + 1))  # the sequencer keeps running
        seen.add(client.get("/log/checkpoint").content)
        assert client.get("/api/v1/tally").json()["tree_size"] == 0
    assert len(seen) == 1
    daily(DAY + datetime.timedelta(days=1, seconds=1))
    assert client.get("/log/checkpoint").content not in seen
    in_log_order = list(LogEntry.objects.order_by("index").values_list("declaration_id", flat=True))
    assert sorted(in_log_order) == sorted(calls)
    assert in_log_order != calls  # 1 chance in 40! of failing by accident


def test_a_revocation_in_the_same_batch_follows_its_declaration(daily):
    daily(DAY)
    receipts = [hotline_intake(n) for n in range(5)]
    transitions.revoke(receipts[2].declaration_id, RevokeReason.DUPLICATE)
    daily(DAY + datetime.timedelta(days=1))
    declare = LogEntry.objects.get(declaration_id=receipts[2].declaration_id, kind="declare")
    revoke = LogEntry.objects.get(kind="revoke")
    assert revoke.index == 5 and declare.index < 5
    assert revoke.line.endswith(f" index={declare.index} reason=duplicate")
    assert tally.check_log() == [] and published.latest()["totals"] == tally.totals()


def test_the_log_check_counts_queued_entries_before_the_cut(daily):
    daily(DAY)
    receipts = [hotline_intake(n) for n in range(3)]
    daily(DAY + datetime.timedelta(days=1))
    transitions.revoke(receipts[0].declaration_id, RevokeReason.ERROR)
    hotline_intake(9)
    assert PendingEntry.objects.count() == 2
    assert tally.check_log() == []


def test_statements_are_published_with_their_batch(daily, client):
    daily(DAY)
    make_declaration(accept=True, statement="我退出共青团，为了良心。")
    assert "为了良心" not in client.get("/statements/").content.decode()
    daily(DAY + datetime.timedelta(days=1))
    assert "为了良心" in client.get("/statements/").content.decode()


def test_milestones_are_crossed_when_a_batch_publishes_them(daily, settings):
    settings.TUIDANG_MILESTONE_STEP = 2
    daily(DAY)
    for n in range(3):
        hotline_intake(n)
    assert not Milestone.objects.exists()
    daily(DAY + datetime.timedelta(days=1, hours=5))
    crossed = Milestone.objects.get()
    assert (crossed.threshold, crossed.crossed_on) == (2, (DAY + datetime.timedelta(days=1)).date())


def test_every_file_of_the_log_is_dated_to_the_start_of_its_slot(daily, log_folder):
    daily(DAY)
    for n in range(300):  # a full tile and partial ones
        hotline_intake(n)
    slot = DAY + datetime.timedelta(days=1)
    daily(slot + datetime.timedelta(seconds=3))
    hotline_intake(1000)
    later = slot + datetime.timedelta(days=1)
    daily(later + datetime.timedelta(seconds=3))
    times = {slot.timestamp(), later.timestamp()}
    paths = [log_folder, *log_folder.rglob("*")]
    for path in paths:
        if path.name == ".lock":
            continue  # made when the writer first opened the folder
        stat = os.stat(path)
        assert stat.st_mtime in times, path
    assert os.stat(log_folder / "checkpoint").st_mtime == later.timestamp()
