"""The call queue ("Next call"): hand a caller one target to call, leased to
them for LEASE_MINUTES so that no two callers ever get the same target.

A target is handed out when its campaign is running, it is not closed, not on
the do-not-call list, under the campaign's attempt limit, not leased (or its
lease has expired), its next allowed attempt has come, and its local time is
inside the campaign's calling window (`windows.is_open`). Requested callbacks
whose time has come are served first, by their time; a callback not yet due
waits. Then the order is: higher priority first, then fewer attempts, then
the lower id.

The database filters and orders (indexes `target_queue_order` and
`target_callbacks`); the calling window, which depends on each target's zone,
is checked in Python on candidates taken in order, a chunk at a time, a zone
found closed being left out of the next chunk in SQL. The first open candidate
is locked and leased: on PostgreSQL with `select_for_update(skip_locked=True)`
(a candidate locked by another caller is skipped), on SQLite inside the
project's IMMEDIATE transactions, one writer at a time. A caller's own row is
locked first, so one caller cannot take two targets at once from two tabs."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.campaigns import windows
from tuidang.campaigns.choices import CampaignStatus
from tuidang.campaigns.models import Campaign, DoNotCall, Target
from tuidang.campaigns.schedules import schedule_for

LEASE_MINUTES = 5
# Candidates read per query, and queries per phase, before giving up.
CHUNK = 50
MAX_ROUNDS = 20


class QueueError(Exception):
    """A request the queue refuses; the message is for the caller."""


def _free(now: datetime.datetime) -> Q:
    """Not leased, or the lease has expired; and the next attempt has come."""
    return (Q(lease_until__isnull=True) | Q(lease_until__lte=now)) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def eligible(campaign: Campaign | None, now: datetime.datetime) -> QuerySet[Target]:
    """Targets that may be called at `now`, before the calling window is checked."""
    targets = Target.objects.filter(
        _free(now),
        campaign__status=CampaignStatus.RUNNING,
        closed=False,
        attempts__lt=F("campaign__attempt_limit"),
    ).exclude(Exists(DoNotCall.objects.filter(phone_key=OuterRef("phone_key"))))
    if campaign is not None:
        targets = targets.filter(campaign=campaign)
    return targets


def _phases(campaign: Campaign | None, now: datetime.datetime) -> list[QuerySet[Target]]:
    """The queue in its order: callbacks due, then the others."""
    targets = eligible(campaign, now)
    return [
        targets.filter(callback_at__lte=now).order_by("callback_at", "id"),
        targets.filter(callback_at__isnull=True).order_by("-priority", "attempts", "id"),
    ]


class _Windows:
    """Is a campaign's window open at `now` in a zone; memoised per call."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now
        self.schedules: dict[int, windows.Schedule] = {}
        self.answers: dict[tuple[int, str], bool] = {}
        self.closed: set[tuple[int, str]] = set()

    def is_open(self, campaign_id: int, zone: str) -> bool:
        key = (campaign_id, zone)
        if key not in self.answers:
            if campaign_id not in self.schedules:
                self.schedules[campaign_id] = schedule_for(Campaign.objects.get(pk=campaign_id))
            self.answers[key] = windows.is_open(self.schedules[campaign_id], self.now, zone)
            if not self.answers[key]:
                self.closed.add(key)
        return self.answers[key]

    def exclude_closed(self, targets: QuerySet[Target]) -> QuerySet[Target]:
        if not self.closed:
            return targets
        closed = Q()
        for campaign_id, zone in self.closed:
            closed |= Q(campaign_id=campaign_id, time_zone=zone)
        return targets.exclude(closed)


def _lease(pk: int, caller, now: datetime.datetime) -> Target | None:
    """Lock the target if no one else holds it and it is still free; lease it."""
    locked = (
        Target.objects.select_for_update(skip_locked=True)
        .filter(_free(now), pk=pk, closed=False)
        .values_list("pk", flat=True)
    )
    if not list(locked):
        return None
    until = now + datetime.timedelta(minutes=LEASE_MINUTES)
    Target.objects.filter(pk=pk).update(leased_to=caller, lease_until=until)
    return Target.objects.get(pk=pk)


def _first_open(targets: QuerySet[Target], caller, seen: _Windows) -> Target | None:
    tried: set[int] = set()
    for _round in range(MAX_ROUNDS):
        candidates = list(
            seen.exclude_closed(targets)
            .exclude(pk__in=tried)
            .values_list("pk", "campaign_id", "time_zone")[:CHUNK]
        )
        if not candidates:
            return None
        for pk, campaign_id, zone in candidates:
            if not seen.is_open(campaign_id, zone):
                continue
            target = _lease(pk, caller, seen.now)
            if target is not None:
                return target
            tried.add(pk)
    return None


def holds_lease(caller, now: datetime.datetime) -> bool:
    return Target.objects.filter(leased_to=caller, lease_until__gt=now).exists()


def next_call(
    campaign: Campaign | None, caller, now: datetime.datetime | None = None
) -> Target | None:
    """Lease the next target to `caller` (of `campaign`, or of any running
    campaign) and return it; None when no target may be called now. Raises
    QueueError when the caller already holds an unexpired lease."""
    now = now or timezone.now()
    with transaction.atomic():
        # One request per caller at a time (two tabs, a double click).
        list(
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk=caller.pk)
            .values_list("pk", flat=True)
        )
        if holds_lease(caller, now):
            raise QueueError(_("You already have a call: finish or release it first."))
        Target.objects.filter(leased_to=caller).update(leased_to=None, lease_until=None)
        seen = _Windows(now)
        for targets in _phases(campaign, now):
            target = _first_open(targets, caller, seen)
            if target is not None:
                return target
    return None


def release(target: Target, caller) -> None:
    """Give a leased target back to the queue at once. Raises QueueError when
    the target is not leased to `caller`."""
    with transaction.atomic():
        released = Target.objects.filter(pk=target.pk, leased_to=caller).update(
            leased_to=None, lease_until=None
        )
    if not released:
        raise QueueError(_("This call is not yours to release."))
    target.leased_to, target.lease_until = None, None
