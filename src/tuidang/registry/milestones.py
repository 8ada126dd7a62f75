"""Milestones: every TUIDANG_MILESTONE_STEP persons (default one million) plus the
named thresholds (`MilestoneThreshold` rows: seeded from TUIDANG_MILESTONES_NAMED,
then added and removed by administrators in the console); each is recorded
with the day the total first reached it. A later revocation does not un-cross a
milestone, and removing a named threshold does not remove its crossing."""

import datetime

from django.conf import settings

from tuidang.registry.models import Milestone, MilestoneThreshold


def thresholds_between(old_total: int, new_total: int) -> list[int]:
    """Thresholds t with old_total < t <= new_total (one query for the named ones)."""
    if new_total <= old_total:
        return []
    step = settings.TUIDANG_MILESTONE_STEP
    first = (old_total // step + 1) * step
    reached = set(range(first, new_total + 1, step))
    reached.update(
        MilestoneThreshold.objects.filter(value__gt=old_total, value__lte=new_total).values_list(
            "value", flat=True
        )
    )
    return sorted(reached)


def record_crossings(old_total: int, new_total: int, day: datetime.date) -> list[Milestone]:
    crossed = []
    for threshold in thresholds_between(old_total, new_total):
        milestone, created = Milestone.objects.get_or_create(
            threshold=threshold, defaults={"crossed_on": day}
        )
        if created:
            crossed.append(milestone)
    return crossed


def next_threshold(total: int) -> int:
    candidates = thresholds_between(total, total + settings.TUIDANG_MILESTONE_STEP)
    return candidates[0]
