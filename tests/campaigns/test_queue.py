"""The call queue in one process: what is handed out, in which order, when,
and the leases (one per caller, expiry, release). Fixed instants: Wednesday
2026-06-10, 02:00 UTC is 10:00 in Shanghai (open) and 22:00 the evening
before in New York (closed); 14:00 UTC is 22:00 in Shanghai (closed) and
10:00 in New York (open)."""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from tuidang.campaigns import queue
from tuidang.campaigns.choices import CampaignStatus
from tuidang.campaigns.models import DoNotCall, Target
from tuidang.campaigns.queue import QueueError, next_call, release

from .helpers import make_campaign, make_target

pytestmark = pytest.mark.django_db

SHANGHAI_MORNING = datetime.datetime(2026, 6, 10, 2, 0, tzinfo=datetime.UTC)
SHANGHAI_NIGHT = datetime.datetime(2026, 6, 10, 14, 0, tzinfo=datetime.UTC)
NEW_YORK = "America/New_York"
MINUTE = datetime.timedelta(minutes=1)
LEASE = datetime.timedelta(minutes=queue.LEASE_MINUTES)
_numbers = itertools.count()


def callers(count):
    """`count` new callers, none holding a lease."""
    return [get_user_model().objects.create_user(f"caller-{next(_numbers)}") for _ in range(count)]


@pytest.fixture
def campaign():
    return make_campaign(status=CampaignStatus.RUNNING)


def handed_out(campaign, now, count):
    """What `count` different callers get, in turn, at `now` (None when nothing)."""
    return [
        (target.pk if (target := next_call(campaign, caller, now)) else None)
        for caller in callers(count)
    ]


def test_higher_priority_first_then_fewer_attempts_then_lower_id(campaign):
    low = make_target(campaign, 1, priority=1)
    tried = make_target(campaign, 2, priority=5, attempts=1)
    first = make_target(campaign, 3, priority=5)
    second = make_target(campaign, 4, priority=5)
    assert handed_out(campaign, SHANGHAI_MORNING, 5) == [
        first.pk,
        second.pk,
        tried.pk,
        low.pk,
        None,
    ]


def test_the_lease_is_recorded_on_the_target(campaign):
    make_target(campaign, 1)
    (caller,) = callers(1)
    target = next_call(campaign, caller, SHANGHAI_MORNING)
    assert target.leased_to == caller and target.lease_until == SHANGHAI_MORNING + LEASE


def test_a_callback_comes_first_at_its_time_and_not_before(campaign):
    urgent = make_target(campaign, 1, priority=100)
    callback = make_target(campaign, 2, priority=0, callback_at=SHANGHAI_MORNING + 10 * MINUTE)
    # Before its time the callback waits, even for an idle caller.
    assert handed_out(campaign, SHANGHAI_MORNING, 2) == [urgent.pk, None]
    Target.objects.update(leased_to=None, lease_until=None)
    # At its time it goes before a higher priority.
    later = SHANGHAI_MORNING + 10 * MINUTE
    assert handed_out(campaign, later, 2)[0] == callback.pk


def test_due_callbacks_come_by_their_time(campaign):
    later = make_target(campaign, 1, priority=50, callback_at=SHANGHAI_MORNING - MINUTE)
    earlier = make_target(campaign, 2, priority=0, callback_at=SHANGHAI_MORNING - 2 * MINUTE)
    assert handed_out(campaign, SHANGHAI_MORNING, 2) == [earlier.pk, later.pk]


def test_a_callback_still_waits_for_the_calling_window(campaign):
    make_target(campaign, 1, callback_at=SHANGHAI_NIGHT - MINUTE)
    assert handed_out(campaign, SHANGHAI_NIGHT, 1) == [None]


def test_only_targets_whose_local_window_is_open_are_handed_out(campaign):
    shanghai = make_target(campaign, 1, priority=10)
    new_york = make_target(campaign, 2, zone=NEW_YORK, priority=0)
    assert handed_out(campaign, SHANGHAI_MORNING, 2) == [shanghai.pk, None]
    Target.objects.update(leased_to=None, lease_until=None)
    assert handed_out(campaign, SHANGHAI_NIGHT, 2) == [new_york.pk, None]


def test_an_open_zone_is_found_behind_many_targets_of_a_closed_one(campaign):
    Target.objects.bulk_create(
        Target(
            campaign=campaign,
            name_or_title=f"Night {n}",
            phone_e164=f"+86200{n:07d}",
            phone_key=f"night-{n}",
            time_zone="Asia/Shanghai",
            time_zone_source="file",
            priority=90,
        )
        for n in range(3 * queue.CHUNK)
    )
    open_one = make_target(campaign, 1, zone=NEW_YORK, priority=0)
    assert handed_out(campaign, SHANGHAI_NIGHT, 2) == [open_one.pk, None]


def test_nothing_on_a_holiday_or_at_the_weekend(campaign):
    make_target(campaign, 1)
    campaign.holidays.create(day=datetime.date(2026, 6, 10))
    assert handed_out(campaign, SHANGHAI_MORNING, 1) == [None]
    saturday = SHANGHAI_MORNING + datetime.timedelta(days=3)
    assert handed_out(campaign, saturday, 1) == [None]


def test_only_running_campaigns_and_only_the_one_asked_for(campaign):
    paused = make_campaign("paused", status=CampaignStatus.PAUSED)
    make_target(paused, 1, priority=100)
    ours = make_target(campaign, 2)
    other = make_campaign("other", status=CampaignStatus.RUNNING)
    theirs = make_target(other, 3, priority=50)
    assert handed_out(paused, SHANGHAI_MORNING, 1) == [None]
    assert handed_out(campaign, SHANGHAI_MORNING, 2) == [ours.pk, None]
    Target.objects.update(leased_to=None, lease_until=None)
    # Any running campaign: the paused one's target never, by priority otherwise.
    assert handed_out(None, SHANGHAI_MORNING, 3) == [theirs.pk, ours.pk, None]


def test_the_attempt_limit_holds(campaign):
    make_target(campaign, 1, attempts=campaign.attempt_limit)
    under = make_target(campaign, 2, attempts=campaign.attempt_limit - 1)
    assert handed_out(campaign, SHANGHAI_MORNING, 2) == [under.pk, None]


def test_the_next_attempt_waits_for_its_time(campaign):
    target = make_target(campaign, 1, next_attempt_at=SHANGHAI_MORNING + MINUTE)
    assert handed_out(campaign, SHANGHAI_MORNING, 1) == [None]
    assert handed_out(campaign, SHANGHAI_MORNING + MINUTE, 1) == [target.pk]


def test_do_not_call_and_closed_targets_are_never_handed_out(campaign):
    barred = make_target(campaign, 1, priority=100)
    DoNotCall.objects.create(phone_key=barred.phone_key)
    make_target(campaign, 2, priority=100, closed=True)
    callable_one = make_target(campaign, 3)
    assert handed_out(campaign, SHANGHAI_MORNING, 3) == [callable_one.pk, None, None]


def test_a_second_next_call_while_holding_a_lease_is_refused(campaign):
    make_target(campaign, 1)
    make_target(campaign, 2)
    (caller,) = callers(1)
    first = next_call(campaign, caller, SHANGHAI_MORNING)
    with translation.override("en"), pytest.raises(QueueError, match="already have a call"):
        next_call(campaign, caller, SHANGHAI_MORNING + LEASE - MINUTE)
    # Refused, not half-done: the lease is unchanged and nothing else is leased.
    assert list(Target.objects.filter(leased_to=caller).values_list("pk", flat=True)) == [first.pk]
    # Once the lease has expired the caller gets a call again, and holds one lease.
    second = next_call(campaign, caller, SHANGHAI_MORNING + LEASE)
    assert second is not None
    assert list(Target.objects.filter(leased_to=caller).values_list("pk", flat=True)) == [second.pk]


def test_an_expired_lease_returns_the_target_to_the_queue(campaign):
    target = make_target(campaign, 1)
    holder, other = callers(2)
    assert next_call(campaign, holder, SHANGHAI_MORNING) == target
    assert next_call(campaign, other, SHANGHAI_MORNING + LEASE - MINUTE) is None
    back = next_call(campaign, other, SHANGHAI_MORNING + LEASE)
    assert back == target and back.leased_to == other


def test_release_gives_the_target_back_and_only_its_holder_may(campaign):
    target = make_target(campaign, 1)
    holder, other = callers(2)
    leased = next_call(campaign, holder, SHANGHAI_MORNING)
    with pytest.raises(QueueError):
        release(leased, other)
    release(leased, holder)
    assert leased.leased_to is None
    assert next_call(campaign, other, SHANGHAI_MORNING) == target
    # The holder may take another call at once.
    assert next_call(campaign, holder, SHANGHAI_MORNING) is None
