"""Retention of what campaigns keep about people called (docs/retention.md):

- a call's sealed notes are nulled on their `notes_delete_on` day (the
  outbound-call period of `TUIDANG_RETENTION_DAYS`);
- a finished campaign's remaining targets (name or title, unit, number) are
  deleted `TUIDANG_CAMPAIGN_RETENTION_DAYS` (default 30) after the day it was
  finished. Calls stay, without a target, for the statistics; targets whose
  identity was sealed after an agreement stay sealed (custodians' record),
  holding nothing in the clear.

`tuidang retention` runs `delete_due` with the originals' retention."""

import dataclasses
import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuidang.campaigns.choices import CampaignStatus
from tuidang.campaigns.models import Call, Target
from tuidang.console import retention
from tuidang.settings import env

DEFAULT_CAMPAIGN_DAYS = 30


def campaign_days() -> int:
    configured = getattr(settings, "TUIDANG_CAMPAIGN_RETENTION_DAYS", None)
    if configured is not None:
        return int(configured)
    return env.integer("CAMPAIGN_RETENTION_DAYS", DEFAULT_CAMPAIGN_DAYS)


@dataclasses.dataclass(frozen=True)
class Deleted:
    call_notes: int
    targets: int


def delete_due(today: datetime.date | None = None) -> Deleted:
    today = today or timezone.now().date()
    finished_before = today - datetime.timedelta(days=campaign_days())
    with transaction.atomic():
        retention.overwrite_freed_bytes()
        notes = Call.objects.filter(sealed_notes__isnull=False, notes_delete_on__lte=today).update(
            sealed_notes=None, notes_delete_on=None
        )
        _total, by_model = Target.objects.filter(
            campaign__status=CampaignStatus.FINISHED,
            campaign__finished_day__lte=finished_before,
            sealed_identity__isnull=True,
        ).delete()
    return Deleted(call_notes=notes, targets=by_model.get(Target._meta.label, 0))
