"""The fixed vocabularies of a campaign: its status, the outcomes of a call
that are retried later, and the default spacing between attempts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")


class RetryOutcome(models.TextChoices):
    """Outcomes after which a target is called again, after a spacing."""

    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    VOICEMAIL = "voicemail", _("Voicemail")
    HUNG_UP = "hung_up", _("Hung up")
    HOSTILE = "hostile", _("Hostile")
    LISTENED = "listened", _("Listened in silence")


class TimeZoneSource(models.TextChoices):
    """Where a target's time zone came from."""

    FILE = "file", _("Given in the imported file")
    NUMBER = "number", _("Derived from the phone number")
    DEFAULT = "default", _("Campaign default")


# Minutes to wait before the next attempt, per outcome: busy comes back sooner,
# hostile waits longer.
DEFAULT_SPACING_MINUTES = {
    RetryOutcome.NO_ANSWER.value: 240,
    RetryOutcome.BUSY.value: 30,
    RetryOutcome.VOICEMAIL.value: 1440,
    RetryOutcome.HUNG_UP.value: 2880,
    RetryOutcome.HOSTILE.value: 20160,
    RetryOutcome.LISTENED.value: 10080,
}

DEFAULT_TIME_ZONE = "Asia/Shanghai"
