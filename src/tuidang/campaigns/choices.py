"""The fixed vocabularies of a campaign: its status, the outcomes of a call
(those retried later among them), what each outcome says about the person
reached, and the default spacing between attempts."""

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


class Outcome(models.TextChoices):
    """Every outcome a caller can record, in the order of the call screen's buttons."""

    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    VOICEMAIL = "voicemail", _("Voicemail")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    HUNG_UP = "hung_up", _("Hung up")
    HOSTILE = "hostile", _("Hostile")
    LISTENED = "listened", _("Listened in silence")
    CALLBACK = "callback", _("Asked for a callback")
    AGREED = "agreed", _("Agreed")
    AGREED_GROUP = "agreed_group", _("Agreed as a group")
    DO_NOT_CALL = "do_not_call", _("Do not call")


# Someone answered (the statistics' "reached").
REACHED = frozenset(
    {
        Outcome.WRONG_NUMBER,
        Outcome.HUNG_UP,
        Outcome.HOSTILE,
        Outcome.LISTENED,
        Outcome.CALLBACK,
        Outcome.AGREED,
        Outcome.AGREED_GROUP,
        Outcome.DO_NOT_CALL,
    }
)
# The person heard the material out (the statistics' "listened").
LISTENED = frozenset({Outcome.LISTENED, Outcome.CALLBACK, Outcome.AGREED, Outcome.AGREED_GROUP})
AGREEMENTS = frozenset({Outcome.AGREED, Outcome.AGREED_GROUP})
# Take the number out of every campaign, now and in later imports.
REMOVES_NUMBER = frozenset({Outcome.WRONG_NUMBER, Outcome.DO_NOT_CALL})


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
