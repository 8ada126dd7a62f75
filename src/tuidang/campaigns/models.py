"""Campaign rows: the campaign, its weekly calling windows and holidays, its
versioned scripts, its targets and the do-not-call list shared by every
campaign.

No row here records when a call happened: a call's time could date a
declarant's agreement. Days only (`ScriptVersion.created_day`, `Call.day`),
and the do-not-call list keeps a keyed hash of the number, never the number
itself. No row links a call or a target to the declaration an agreement made.
The only instants are a target's scheduling fields (its lease, its next
allowed attempt, a requested callback): when it may be called next, never a
record of a call."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuidang.campaigns import zones
from tuidang.campaigns.choices import (
    DEFAULT_SPACING_MINUTES,
    DEFAULT_TIME_ZONE,
    CampaignStatus,
    Outcome,
    RetryOutcome,
    TimeZoneSource,
)
from tuidang.campaigns.days import utc_today
from tuidang.registry.choices import Rank, Sector

MAX_PRIORITY = 100


def default_spacing() -> dict[str, int]:
    return dict(DEFAULT_SPACING_MINUTES)


def validate_time_zone(value: str) -> None:
    if not zones.is_known(value):
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


def validate_spacing(value: object) -> None:
    """Spacing between attempts: {outcome: minutes}, known outcomes, whole minutes ≥ 1."""
    if not isinstance(value, dict):
        raise ValidationError(_("The spacing must map outcomes to minutes."))
    for outcome, minutes in value.items():
        if outcome not in RetryOutcome.values:
            raise ValidationError(_("Unknown outcome: %(outcome)s"), params={"outcome": outcome})
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
            raise ValidationError(
                _("The spacing after %(outcome)s must be a whole number of minutes."),
                params={"outcome": outcome},
            )


class Campaign(models.Model):
    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    start_day = models.DateField()
    end_day = models.DateField()
    attempt_limit = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    spacing_minutes = models.JSONField(
        default=default_spacing,
        validators=[validate_spacing],
        help_text="Minutes before the next attempt, per outcome.",
    )
    minimum_gap_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(7 * 24 * 60)],
        help_text="No target is called twice within this many minutes, whatever the outcome.",
    )
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text="Targets whose time zone neither the file nor the number gives.",
    )
    practice = models.BooleanField(
        default=False,
        help_text="Training with synthetic targets: an agreement records nothing in the registry.",
    )
    finished_day = models.DateField(
        null=True, blank=True, help_text="UTC day it was finished; retention counts from it."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_day__gte=models.F("start_day")),
                name="campaign_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(attempt_limit__gte=1), name="campaign_attempt_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_day and self.end_day and self.end_day < self.start_day:
            raise ValidationError({"end_day": _("The campaign ends before it starts.")})


class CallingWindow(models.Model):
    """Hours of one weekday (0 = Monday) when targets may be called, in each
    target's own local time. The end is exclusive."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="window_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="window_weekday_0_to_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("The calling window ends before it starts.")})


class Holiday(models.Model):
    """A day without calls, in each target's local calendar."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="holidays")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "day"], name="holiday_once_per_campaign")
        ]

    def __str__(self) -> str:
        return self.day.isoformat()


class ScriptVersion(models.Model):
    """One version of a campaign's script, in Markdown; never edited, only superseded."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scripts")
    version = models.PositiveIntegerField()
    text = models.TextField(help_text="Markdown.")
    created_day = models.DateField(default=utc_today, help_text="UTC day; no time of day.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "version"], name="script_version_once_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"version {self.version}"


class Target(models.Model):
    """A person or office to call. `phone_key` (a keyed hash of the E.164
    number) is unique across every campaign: a number is called by one
    campaign only.

    `leased_to`/`lease_until`, `next_attempt_at`, `callback_at`, `attempts`
    and `closed` are the queue's scheduling state (`queue.py`): who may call
    the target now and until when, when it may be called next, whether it is
    out of the queue. They are about the target, not records of calls: each
    outcome overwrites them, and no row keeps when a call took place."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    # Identifying fields: emptied when a call ends in an agreement, after being
    # sealed into `sealed_identity` (outcomes.py).
    name_or_title = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    sector = models.CharField(max_length=32, choices=Sector.choices, blank=True)
    rank = models.CharField(max_length=32, choices=Rank.choices, blank=True)
    place = models.CharField(
        max_length=100, blank=True, help_text="ISO 3166-2:CN code, or free text."
    )
    phone_e164 = models.CharField(max_length=16, blank=True)
    sealed_identity = models.BinaryField(
        null=True,
        editable=False,
        help_text="After an agreement: name or title, unit and phone, sealed to the custodians.",
    )
    phone_key = models.CharField(max_length=64, unique=True)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    time_zone_source = models.CharField(max_length=8, choices=TimeZoneSource.choices)
    priority = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_PRIORITY)]
    )
    # Scheduling state of the queue (see the docstring): not records of calls.
    leased_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The caller who may call the target until `lease_until`.",
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="Not called before this instant (spacing, minimum gap)."
    )
    callback_at = models.DateTimeField(
        null=True, blank=True, help_text="A callback the person asked for; served first."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    closed = models.BooleanField(default=False, help_text="Out of the queue for good.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__lte=MAX_PRIORITY), name="target_priority_at_most_100"
            ),
            # A target out of the queue keeps no instant that could date its last call.
            models.CheckConstraint(
                condition=models.Q(closed=False)
                | models.Q(
                    leased_to__isnull=True,
                    lease_until__isnull=True,
                    next_attempt_at__isnull=True,
                    callback_at__isnull=True,
                ),
                name="target_closed_keeps_no_schedule",
            ),
        ]
        indexes = [
            # The queue's order among targets without a callback (queue.py).
            # The columns after `id` do not change the order: they let SQLite
            # pass over targets of a closed zone or waiting for their next
            # attempt inside the index, without reading their rows, however
            # many of them gather at the head of the queue.
            models.Index(
                fields=[
                    "campaign",
                    "-priority",
                    "attempts",
                    "id",
                    "time_zone",
                    "next_attempt_at",
                    "lease_until",
                ],
                condition=models.Q(closed=False, callback_at__isnull=True),
                name="target_queue_order",
            ),
            # Requested callbacks, by their time.
            models.Index(
                fields=["callback_at", "id"],
                condition=models.Q(closed=False, callback_at__isnull=False),
                name="target_callbacks",
            ),
        ]

    def __str__(self) -> str:
        # Never the name or the number: this string can reach logs and error pages.
        return f"target {self.pk}"


class DoNotCall(models.Model):
    """A number no campaign may call, ever, kept only as its keyed hash."""

    class Reason(models.TextChoices):
        ASKED = "asked", _("Asked not to be called")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        LISTED = "listed", _("Put on the list by a campaign lead")

    phone_key = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.LISTED)

    def __str__(self) -> str:
        return f"do-not-call entry {self.pk}"


class Call(models.Model):
    """The outcome of one call: which campaign, target, caller and script
    version, and the UTC day, never a time of day. An agreement's call does not
    name the declaration it made. `sector` and `rank` are copied from the
    target so that statistics outlive the target's deletion.

    Notes are sealed to the custodians like hotline notes (an age file in
    `sealed_notes`) and nulled on `notes_delete_on` by `tuidang retention`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="calls")
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    script = models.ForeignKey(
        ScriptVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    day = models.DateField(default=utc_today, help_text="UTC day; no time of day.")
    sector = models.CharField(max_length=32, choices=Sector.choices, blank=True)
    rank = models.CharField(max_length=32, choices=Rank.choices, blank=True)
    persons = models.PositiveIntegerField(
        default=0, help_text="Persons the agreement declared (0 for other outcomes)."
    )
    sealed_notes = models.BinaryField(null=True, editable=False)
    notes_delete_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "day"], name="call_campaign_day")]

    def __str__(self) -> str:
        return f"call {self.pk}: {self.outcome}"
