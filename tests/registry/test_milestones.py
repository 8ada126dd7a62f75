import datetime

import pytest

from tuidang.registry import milestones
from tuidang.registry.models import Milestone, MilestoneThreshold

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def named(*values):
    MilestoneThreshold.objects.all().delete()
    MilestoneThreshold.objects.bulk_create([MilestoneThreshold(value=v) for v in values])


def test_thresholds_between_include_the_step_multiples_and_named_ones(settings):
    settings.TUIDANG_MILESTONE_STEP = 1000
    named(1500, 99)
    assert milestones.thresholds_between(900, 3000) == [1000, 1500, 2000, 3000]
    assert milestones.thresholds_between(1000, 1000) == []
    assert milestones.thresholds_between(0, 99) == [99]


def test_crossing_a_milestone_records_the_day_once(settings, publish):
    settings.TUIDANG_MILESTONE_STEP = 3
    named()
    make_declaration(accept=True, unnamed_persons=1)
    publish()
    assert not Milestone.objects.exists()
    make_declaration(accept=True, unnamed_persons=3)
    assert not Milestone.objects.exists()  # crossed when published, not before
    publish()
    today = datetime.datetime.now(datetime.UTC).date()
    assert list(Milestone.objects.values_list("threshold", "crossed_on")) == [
        (6, today),
        (3, today),
    ]
    make_declaration(accept=True, unnamed_persons=0)
    publish()
    assert Milestone.objects.count() == 2


def test_the_next_threshold_follows_the_total(settings):
    settings.TUIDANG_MILESTONE_STEP = 1_000_000
    named(500_000)
    assert milestones.next_threshold(10) == 500_000
    assert milestones.next_threshold(500_000) == 1_000_000
