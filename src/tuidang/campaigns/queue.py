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
found closed being left out of the next chunk in SQL. The schedules of the
campaigns a call may draw from are read once per call, and the zones met
before in the process are checked against them first, so that a zone known to
be closed is left out of the first chunk too. Without a campaign, the targets
without a callback are read per running campaign, each along
`target_queue_order` (which starts with the campaign), and the chunks merged
in the same order: one ordered read over every campaign would sort them all.

The first open candidate is locked and leased: on PostgreSQL with
`select_for_update(skip_locked=True)` (a candidate locked by another caller is
skipped), on SQLite inside the project's IMMEDIATE transactions, one writer at
a time. A caller's own row is locked first, so one caller cannot take two
targets at once from two tabs.

The queries are the ORM's, built and compiled once per thread (`_run`): the
ORM takes about ten times as long to build and compile one of them as the
database takes to run it, and a call makes half a dozen."""

import dataclasses
import datetime
import threading
from collections import defaultdict
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.campaigns import windows
from tuidang.campaigns.choices import CampaignStatus
from tuidang.campaigns.models import CallingWindow, Campaign, DoNotCall, Holiday, Target

LEASE_MINUTES = 5
# Candidates read per query, and queries per phase, before giving up.
CHUNK = 50
MAX_ROUNDS = 20
# A candidate as read: its window's key, then what orders it in its phase.
_CANDIDATE = ("pk", "campaign_id", "time_zone", "callback_at", "priority", "attempts")
_TARGET_FIELDS = [field.attname for field in Target._meta.concrete_fields]
_WINDOW = ("campaign_id", "weekday", "start", "end", "campaign__start_day", "campaign__end_day")
# Zones met among candidates in this process (names only): checked against
# each call's schedules before its first read. Only a hint: a zone not in it
# is checked when a candidate brings it.
_ZONES_MET: set[str] = set()


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


# --- queries compiled once per thread ------------------------------------------

_compiled = threading.local()


def _stand_in(value, number: int):
    """A value of `value`'s kind that no real parameter of these queries equals."""
    if isinstance(value, datetime.datetime):
        return datetime.datetime(2000, 1, 1, 0, 0, 0, 123_000 + number, tzinfo=datetime.UTC)
    return -2_000_000_000 - number  # an id (in range of a 32-bit key, never one)


def _adapt(value):
    """A value as the ORM passes it to the database."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class _Compiled:
    """The SQL of `build(**stand_ins)`, and which parameters are stand-ins."""

    def __init__(self, build: Callable[..., QuerySet], values: dict) -> None:
        stand_ins = {name: _stand_in(value, n) for n, (name, value) in enumerate(values.items())}
        adapted = {name: _adapt(value) for name, value in stand_ins.items()}
        self.compiler = build(**stand_ins).query.get_compiler(connection=connection)
        self.sql, params = self.compiler.as_sql()
        self.params = [
            (
                next((n for n, a in adapted.items() if type(a) is type(p) and a == p), None),
                p,
            )
            for p in params
        ]
        if {name for name, _p in self.params} - {None} != set(stand_ins):
            # A value the ORM wrote into the SQL itself would stay there.
            raise RuntimeError(f"not every value is a parameter of: {self.sql}")

    def rows(self, values: dict) -> list[tuple]:
        params = [p if name is None else _adapt(values[name]) for name, p in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        # Converted as the queryset itself would (e.g. SQLite's text instants).
        return list(self.compiler.results_iter(results=[fetched], tuple_expected=True))


def _run(key: tuple, build: Callable[..., QuerySet], **values) -> list[tuple]:
    """The rows of `build(**values)` (a `values_list` queryset), compiled
    once per thread and `key`, which names all `build` depends on besides
    `values` (instants and ids)."""
    cache = _compiled.__dict__.setdefault("queries", {})
    key = (connection.alias, *key)
    if key not in cache:
        if len(cache) >= 1000:
            cache.clear()
        cache[key] = _Compiled(build, values)
    return cache[key].rows(values)


# --- the order -----------------------------------------------------------------


def _callbacks_due(targets: QuerySet[Target], now, campaign_id: int | None) -> QuerySet[Target]:
    targets = targets.filter(callback_at__lte=now)
    if campaign_id is not None:
        # `campaign_id + 0` rather than `campaign_id`, the same rows: SQLite
        # then reads the few due callbacks by time (`target_callbacks`) and
        # checks their campaign, instead of reading every target of the
        # campaign by its foreign-key index and sorting them.
        own = ExpressionWrapper(F("campaign_id") + 0, output_field=models.BigIntegerField())
        targets = targets.alias(own_campaign=own).filter(own_campaign=campaign_id)
    return targets


def _others(targets: QuerySet[Target], now, campaign_id: int | None) -> QuerySet[Target]:
    return targets.filter(callback_at__isnull=True, campaign_id=campaign_id)


@dataclasses.dataclass(frozen=True)
class _Phase:
    """A part of the queue: which targets (`select`), in which order, read
    per stream (a campaign's id, or None for every campaign at once)."""

    name: str
    select: Callable[[QuerySet[Target], datetime.datetime, int | None], QuerySet[Target]]
    order: tuple[str, ...]
    streams: tuple[int | None, ...]

    def key(self, row: tuple) -> tuple:
        """A candidate row's place in `order` (see _CANDIDATE)."""
        if self.name == "callbacks":
            return (row[3], row[0])
        return (-row[4], row[5], row[0])


def _phases(campaign: Campaign | None, campaign_ids: list[int]) -> list[_Phase]:
    """The queue in its order: callbacks due, then the others, read per
    campaign (`campaign_ids`: the one asked for, or every running one)."""
    own = None if campaign is None else campaign.pk
    return [
        _Phase("callbacks", _callbacks_due, ("callback_at", "id"), (own,)),
        _Phase("others", _others, ("-priority", "attempts", "id"), tuple(campaign_ids)),
    ]


# --- calling windows -----------------------------------------------------------


def _schedules(campaign_id: int | None) -> dict[int, windows.Schedule]:
    """`schedules.schedule_for` of the campaign `campaign_id`, or of every
    running campaign (None), in two queries. A campaign without windows is
    left out: it is never open."""
    if campaign_id is None:
        running = Q(campaign__status=CampaignStatus.RUNNING)
        window_rows = _run(
            ("windows", "running"),
            lambda: CallingWindow.objects.filter(running).values_list(*_WINDOW),
        )
        holiday_rows = _run(
            ("holidays", "running"),
            lambda: Holiday.objects.filter(running).values_list("campaign_id", "day"),
        )
    else:
        window_rows = _run(
            ("windows", "one"),
            lambda campaign: CallingWindow.objects.filter(campaign_id=campaign).values_list(
                *_WINDOW
            ),
            campaign=campaign_id,
        )
        holiday_rows = _run(
            ("holidays", "one"),
            lambda campaign: Holiday.objects.filter(campaign_id=campaign).values_list(
                "campaign_id", "day"
            ),
            campaign=campaign_id,
        )
    hours, days, holidays = defaultdict(list), {}, defaultdict(set)
    for pk, weekday, start, end, first_day, last_day in window_rows:
        hours[pk].append(windows.Window(weekday=weekday, start=start, end=end))
        days[pk] = (first_day, last_day)
    for pk, day in holiday_rows:
        holidays[pk].add(day)
    return {
        pk: windows.Schedule(
            windows=tuple(sorted(hours[pk], key=lambda w: (w.weekday, w.start))),
            holidays=frozenset(holidays[pk]),
            first_day=first_day,
            last_day=last_day,
        )
        for pk, (first_day, last_day) in days.items()
    }


class _Windows:
    """Is a campaign's window open at `now` in a zone; the schedules of the
    campaign `campaign_id` (or of every running one: None) read once."""

    def __init__(self, now: datetime.datetime, campaign_id: int | None) -> None:
        self.now = now
        self.schedules: dict[int, windows.Schedule | None] = _schedules(campaign_id)
        self.answers: dict[tuple[int, str], bool] = {}
        self.closed: dict[int, set[str]] = defaultdict(set)
        for pk in list(self.schedules):
            for zone in sorted(_ZONES_MET.copy()):
                self.is_open(pk, zone)

    def is_open(self, campaign_id: int, zone: str) -> bool:
        key = (campaign_id, zone)
        if key not in self.answers:
            if campaign_id not in self.schedules:  # running since the schedules were read
                self.schedules[campaign_id] = _schedules(campaign_id).get(campaign_id)
            schedule = self.schedules[campaign_id]
            self.answers[key] = schedule is not None and windows.is_open(schedule, self.now, zone)
            if not self.answers[key]:
                self.closed[campaign_id].add(zone)
            _ZONES_MET.add(zone)
        return self.answers[key]

    def closed_zones(self, stream: int | None) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """The zones known to be closed: of the campaign `stream`, or of every campaign."""
        return tuple(
            (pk, tuple(sorted(zones)))
            for pk, zones in sorted(self.closed.items())
            if zones and stream in (None, pk)
        )


def _exclusion(closed: tuple[tuple[int, tuple[str, ...]], ...], stream: int | None) -> Q:
    """The targets in the zones `closed` (`_Windows.closed_zones(stream)`)."""
    if stream is not None:  # one campaign's read
        return Q(time_zone__in=closed[0][1])
    exclusion = Q()
    for pk, zones in closed:
        exclusion |= Q(campaign_id=pk, time_zone__in=zones)
    return exclusion


# --- candidates and leases -----------------------------------------------------


def _read(phase: _Phase, stream: int | None, seen: _Windows, tried: set[int]) -> list[tuple]:
    """A stream's first CHUNK candidates, but for the closed zones and `tried`."""
    closed = seen.closed_zones(stream)

    def build(now):
        targets = phase.select(eligible(None, now), now, stream)
        targets = targets.exclude(_exclusion(closed, stream)) if closed else targets
        targets = targets.exclude(pk__in=tried) if tried else targets
        return targets.order_by(*phase.order).values_list(*_CANDIDATE)[:CHUNK]

    if tried:  # rare (another caller took a candidate): not worth keeping
        return list(build(seen.now))
    return _run(("candidates", phase.name, stream, closed), build, now=seen.now)


def _candidates(phase: _Phase, seen: _Windows, tried: set[int]) -> list[tuple]:
    """The next CHUNK candidates of a phase, in its order: the first CHUNK of
    each stream, merged (each of the merge's first CHUNK is among the first
    CHUNK of its own stream)."""
    if len(phase.streams) == 1:
        return _read(phase, phase.streams[0], seen, tried)
    rows = [row for stream in phase.streams for row in _read(phase, stream, seen, tried)]
    return sorted(rows, key=phase.key)[:CHUNK]


def _lease(pk: int, caller, now: datetime.datetime) -> Target | None:
    """Lock the target if no one else holds it and it is still free; lease it."""
    rows = _run(
        ("lock",),
        lambda pk, now: (
            Target.objects.select_for_update(skip_locked=True)
            .filter(_free(now), pk=pk, closed=False)
            .values_list(*_TARGET_FIELDS)
        ),
        pk=pk,
        now=now,
    )
    if not rows:
        return None
    target = Target.from_db(connection.alias, _TARGET_FIELDS, rows[0])
    until = (now + datetime.timedelta(minutes=LEASE_MINUTES)).astimezone(datetime.UTC)
    Target.objects.filter(pk=pk).update(leased_to=caller, lease_until=until)
    target.leased_to, target.lease_until = caller, until
    return target


def _first_open(phase: _Phase, caller, seen: _Windows) -> Target | None:
    tried: set[int] = set()
    for _round in range(MAX_ROUNDS):
        candidates = _candidates(phase, seen, tried)
        if not candidates:
            return None
        for pk, campaign_id, zone, *_order in candidates:
            if not seen.is_open(campaign_id, zone):
                continue
            target = _lease(pk, caller, seen.now)
            if target is not None:
                return target
            tried.add(pk)
    return None


def holds_lease(caller, now: datetime.datetime) -> bool:
    return Target.objects.filter(leased_to=caller, lease_until__gt=now).exists()


def _check_caller(caller, now: datetime.datetime) -> None:
    """Lock the caller's row, so that one caller asks once at a time (two
    tabs, a double click; SQLite has no row locks: there the IMMEDIATE
    transaction already holds the database's one write lock); refuse a
    caller who holds an unexpired lease (`holds_lease`); give the caller's
    expired leases back to the queue."""
    if connection.features.has_select_for_update:
        _run(
            ("caller",),
            lambda caller: (
                get_user_model()
                .objects.select_for_update(no_key=True)
                .filter(pk=caller)
                .values_list("pk")
            ),
            caller=caller.pk,
        )
    leases = _run(
        ("leases",),
        lambda caller: Target.objects.filter(leased_to_id=caller).values_list("lease_until"),
        caller=caller.pk,
    )
    if any(until is not None and until > now for (until,) in leases):
        raise QueueError(_("You already have a call: finish or release it first."))
    if leases:
        Target.objects.filter(leased_to=caller).update(leased_to=None, lease_until=None)


def next_call(
    campaign: Campaign | None, caller, now: datetime.datetime | None = None
) -> Target | None:
    """Lease the next target to `caller` (of `campaign`, or of any running
    campaign) and return it; None when no target may be called now. Raises
    QueueError when the caller already holds an unexpired lease."""
    now = now or timezone.now()
    with transaction.atomic():
        _check_caller(caller, now)
        seen = _Windows(now, None if campaign is None else campaign.pk)
        campaign_ids = sorted(seen.schedules) if campaign is None else [campaign.pk]
        for phase in _phases(campaign, campaign_ids):
            target = _first_open(phase, caller, seen)
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
