"""Campaign models: defaults, validation that refuses impossible windows and
ranges (in `full_clean` and in the database), and no time of day anywhere."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from tuidang.campaigns import models as campaign_models
from tuidang.campaigns.choices import DEFAULT_SPACING_MINUTES, CampaignStatus
from tuidang.campaigns.models import CallingWindow, Campaign, ScriptVersion, Target
from tuidang.campaigns.schedules import schedule_for

from .helpers import make_campaign, make_target

pytestmark = pytest.mark.django_db


def test_a_new_campaign_has_the_documented_defaults():
    campaign = make_campaign()
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.time_zone == "Asia/Shanghai"
    assert campaign.attempt_limit == 5
    assert campaign.spacing_minutes == DEFAULT_SPACING_MINUTES
    assert campaign.spacing_minutes["busy"] < campaign.spacing_minutes["no_answer"]
    assert campaign.spacing_minutes["hostile"] > campaign.spacing_minutes["no_answer"]
    windows = [(w.weekday, w.start, w.end) for w in campaign.windows.all()]
    morning = (datetime.time(8, 30), datetime.time(11, 30))
    afternoon = (datetime.time(14, 0), datetime.time(17, 30))
    assert windows == [(day, *hours) for day in range(5) for hours in (morning, afternoon)]


def test_the_spacing_of_two_campaigns_is_not_shared():
    first, second = make_campaign("first"), make_campaign("second")
    first.spacing_minutes["busy"] = 1
    assert second.spacing_minutes["busy"] == DEFAULT_SPACING_MINUTES["busy"]


def test_a_window_that_ends_before_it_starts_is_refused_by_validation():
    campaign = make_campaign()
    window = CallingWindow(
        campaign=campaign, weekday=0, start=datetime.time(11, 30), end=datetime.time(8, 30)
    )
    with pytest.raises(ValidationError) as refused:
        window.full_clean()
    assert "end" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        window.save()


def test_an_empty_window_is_refused_by_the_database():
    campaign = make_campaign()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallingWindow.objects.create(
            campaign=campaign, weekday=0, start=datetime.time(9), end=datetime.time(9)
        )


def test_a_window_on_weekday_seven_is_refused():
    campaign = make_campaign()
    window = CallingWindow(
        campaign=campaign, weekday=7, start=datetime.time(9), end=datetime.time(10)
    )
    with pytest.raises(ValidationError):
        window.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        window.save()


def test_a_campaign_that_ends_before_it_starts_is_refused():
    campaign = Campaign(
        name="x", start_day=datetime.date(2026, 5, 2), end_day=datetime.date(2026, 5, 1)
    )
    with pytest.raises(ValidationError):
        campaign.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        campaign.save()


@pytest.mark.parametrize(
    "spacing",
    [{"busy": 0}, {"busy": "30"}, {"busy": True}, {"agreed": 30}, ["busy", 30]],
)
def test_bad_spacing_is_refused(spacing):
    campaign = Campaign(
        name="x",
        start_day=datetime.date(2026, 5, 1),
        end_day=datetime.date(2026, 5, 1),
        spacing_minutes=spacing,
    )
    with pytest.raises(ValidationError):
        campaign.full_clean()


def test_an_unknown_campaign_time_zone_is_refused():
    campaign = Campaign(
        name="x",
        start_day=datetime.date(2026, 5, 1),
        end_day=datetime.date(2026, 5, 1),
        time_zone="Asia/Beijing",
    )
    with pytest.raises(ValidationError):
        campaign.full_clean()


def test_a_script_version_records_its_utc_day_and_numbers_are_unique_per_campaign():
    campaign = make_campaign()
    script = ScriptVersion.objects.create(campaign=campaign, version=1, text="# Hello")
    assert type(script.created_day) is datetime.date
    with pytest.raises(IntegrityError), transaction.atomic():
        ScriptVersion.objects.create(campaign=campaign, version=1, text="again")
    ScriptVersion.objects.create(campaign=make_campaign("other"), version=1, text="# Hello")


# The queue's scheduling state: when a target may be called next, not when a
# call took place (models.Target).
TARGET_SCHEDULING_INSTANTS = {"lease_until", "next_attempt_at", "callback_at"}


def test_no_campaign_model_has_a_time_of_day_field_but_the_targets_scheduling():
    for model in (
        campaign_models.Campaign,
        campaign_models.Holiday,
        campaign_models.ScriptVersion,
        campaign_models.Target,
        campaign_models.DoNotCall,
    ):
        for field in model._meta.get_fields():
            if model is campaign_models.Target and field.name in TARGET_SCHEDULING_INSTANTS:
                continue
            assert not isinstance(field, models.DateTimeField | models.TimeField), field


@pytest.mark.parametrize("instant", sorted(TARGET_SCHEDULING_INSTANTS))
def test_a_closed_target_keeps_no_scheduling_instant(instant):
    target = make_target(make_campaign(), 1)
    moment = datetime.datetime(2026, 6, 10, 2, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.filter(pk=target.pk).update(closed=True, **{instant: moment})
    Target.objects.filter(pk=target.pk).update(closed=True)


def test_the_do_not_call_list_has_only_a_keyed_hash():
    names = {field.name for field in campaign_models.DoNotCall._meta.get_fields()}
    assert names == {"id", "phone_key", "reason"}


def test_schedule_for_reads_windows_holidays_and_range():
    campaign = make_campaign()
    campaign.holidays.create(day=datetime.date(2026, 10, 1))
    schedule = schedule_for(campaign)
    assert len(schedule.windows) == 10
    assert schedule.holidays == {datetime.date(2026, 10, 1)}
    assert (schedule.first_day, schedule.last_day) == (campaign.start_day, campaign.end_day)
