"""Every outcome's next step (spacing, minimum gap, attempt limit, callbacks,
the do-not-call list, agreements sealing the target), undo within the minute,
sealed call notes and their retention, and that call records hold no time of
day. Fixed instant: Wednesday 2026-06-10 02:00 UTC, 10:00 in Shanghai."""

import datetime
import json
from zoneinfo import ZoneInfo

import pyrage
import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation

from tuidang.campaigns import outcomes, phones, queue
from tuidang.campaigns import retention as campaign_retention
from tuidang.campaigns.choices import DEFAULT_SPACING_MINUTES, CampaignStatus, Outcome
from tuidang.campaigns.models import Call, DoNotCall, Target
from tuidang.campaigns.outcomes import OutcomeError, record, undo
from tuidang.campaigns.target_import import import_targets

from .helpers import make_campaign, make_target

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 10, 2, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def caller():
    return get_user_model().objects.create_user("outcome-caller")


@pytest.fixture
def campaign():
    return make_campaign(status=CampaignStatus.RUNNING)


def leased(campaign, caller, number=1, **fields):
    """A target of `campaign` leased to `caller` at NOW."""
    make_target(campaign, number, **fields)
    target = queue.next_call(campaign, caller, now=NOW)
    assert target is not None
    return target


RETRIED = ["no_answer", "busy", "voicemail", "hung_up", "hostile", "listened"]


@pytest.mark.parametrize("outcome", RETRIED)
def test_a_retried_outcome_counts_an_attempt_and_waits_its_spacing(campaign, caller, outcome):
    target = leased(campaign, caller)
    recorded = record(target.pk, caller, outcome, now=NOW)
    target.refresh_from_db()
    assert target.attempts == 1
    assert target.leased_to is None and target.lease_until is None
    assert not target.closed
    assert target.next_attempt_at == NOW + DEFAULT_SPACING_MINUTES[outcome] * MINUTE
    assert recorded.call.outcome == outcome and recorded.call.day == NOW.date()
    assert recorded.undo_token
    # Not handed out again before its time, handed out after.
    other = get_user_model().objects.create_user("other")
    assert queue.next_call(campaign, other, now=target.next_attempt_at - MINUTE) is None
    assert queue.next_call(campaign, other, now=target.next_attempt_at).pk == target.pk


def test_busy_comes_back_sooner_and_hostile_waits_longer(campaign, caller):
    spacing = campaign.spacing_minutes
    assert spacing["busy"] < spacing["no_answer"] < spacing["hostile"]


def test_the_minimum_gap_holds_whatever_the_spacing(campaign, caller):
    campaign.spacing_minutes = {**campaign.spacing_minutes, "busy": 1}
    campaign.minimum_gap_minutes = 45
    campaign.save()
    target = leased(campaign, caller)
    record(target.pk, caller, Outcome.BUSY, now=NOW)
    target.refresh_from_db()
    assert target.next_attempt_at == NOW + 45 * MINUTE


def test_the_attempt_limit_closes_the_target_and_clears_its_times(campaign, caller):
    campaign.attempt_limit = 2
    campaign.save()
    target = leased(campaign, caller)
    record(target.pk, caller, Outcome.NO_ANSWER, now=NOW)
    later = NOW + 5 * 60 * MINUTE
    assert queue.next_call(campaign, caller, now=later).pk == target.pk
    record(target.pk, caller, Outcome.NO_ANSWER, now=later)
    target.refresh_from_db()
    assert target.closed and target.attempts == 2
    assert (target.next_attempt_at, target.callback_at, target.lease_until) == (None, None, None)


def test_a_callback_comes_first_at_the_requested_local_time(campaign, caller):
    target = leased(campaign, caller, number=1, priority=0)
    make_target(campaign, 2, priority=100)
    at = datetime.datetime(2026, 6, 10, 15, 0, tzinfo=SHANGHAI)  # 07:00 UTC
    record(target.pk, caller, Outcome.CALLBACK, callback_at=at, now=NOW)
    target.refresh_from_db()
    assert target.callback_at == at and target.next_attempt_at is None
    other = get_user_model().objects.create_user("other")
    # Before the time, the higher priority target comes; at the time, the callback.
    assert queue.next_call(campaign, other, now=at - MINUTE).pk != target.pk
    third = get_user_model().objects.create_user("third")
    assert queue.next_call(campaign, third, now=at).pk == target.pk


def test_a_callback_sooner_than_the_minimum_gap_waits_for_it(campaign, caller):
    target = leased(campaign, caller)
    record(target.pk, caller, Outcome.CALLBACK, callback_at=NOW + MINUTE, now=NOW)
    target.refresh_from_db()
    assert target.callback_at == NOW + campaign.minimum_gap_minutes * MINUTE


@pytest.mark.parametrize(
    ("callback_at", "message"),
    [
        (None, "Give the local time"),
        (NOW - MINUTE, "already passed"),
        (datetime.datetime(2027, 1, 1, 9, 0, tzinfo=SHANGHAI), "after the campaign ends"),
    ],
)
def test_a_bad_callback_time_is_refused_and_nothing_is_written(
    campaign, caller, callback_at, message
):
    target = leased(campaign, caller)
    with translation.override("en"), pytest.raises(OutcomeError, match=message):
        record(target.pk, caller, Outcome.CALLBACK, callback_at=callback_at, now=NOW)
    target.refresh_from_db()
    assert target.attempts == 0 and target.leased_to == caller
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [(Outcome.WRONG_NUMBER, "wrong_number"), (Outcome.DO_NOT_CALL, "asked")],
)
def test_wrong_number_and_do_not_call_take_the_number_out_of_every_campaign(
    campaign, caller, outcome, reason
):
    number = phones.normalise("+86 10 6552 9988")
    target = leased(campaign, caller, phone_e164=number, phone_key=phones.phone_key(number))
    record(target.pk, caller, outcome, now=NOW)
    target.refresh_from_db()
    assert target.closed
    assert DoNotCall.objects.get(phone_key=target.phone_key).reason == reason
    # A later import into another campaign skips the number.
    later = make_campaign("Later campaign", status=CampaignStatus.RUNNING)
    report = import_targets(
        later,
        "name_or_title,unit,sector,rank,province_or_place,phone,time_zone,priority\n"
        "Section chief,Bureau,,,CN-BJ,+86 10 6552 9988,,1\n",
    )
    assert report.ok and report.created == 0
    assert report.do_not_call + report.already_targeted == 1


def test_an_outcome_for_a_target_not_leased_to_the_caller_is_refused(campaign, caller):
    target = leased(campaign, caller)
    stranger = get_user_model().objects.create_user("stranger")
    with translation.override("en"), pytest.raises(OutcomeError, match="not leased to you"):
        record(target.pk, stranger, Outcome.BUSY, now=NOW)
    unleased = make_target(campaign, 9)
    with pytest.raises(OutcomeError):
        record(unleased.pk, caller, Outcome.BUSY, now=NOW)
    assert not Call.objects.exists()


def test_an_unknown_outcome_is_refused(campaign, caller):
    target = leased(campaign, caller)
    with pytest.raises(OutcomeError):
        record(target.pk, caller, "maybe", now=NOW)


def test_an_agreement_seals_the_target_and_empties_its_identifying_fields(
    campaign, caller, custodian_identity
):
    target = leased(campaign, caller, unit="Bureau of Letters", sector="", rank="")
    recorded = record(target.pk, caller, Outcome.AGREED, persons=1, now=NOW)
    assert recorded.undo_token is None  # agreements are not undone here
    target.refresh_from_db()
    assert target.closed
    assert (target.name_or_title, target.unit, target.phone_e164) == ("", "", "")
    opened = json.loads(pyrage.decrypt(bytes(target.sealed_identity), [custodian_identity]))
    assert opened["name_or_title"] == "Target 1"
    assert opened["unit"] == "Bureau of Letters"
    assert opened["phone"] == "+861000000001"
    assert recorded.call.persons == 1


def test_undo_restores_the_target_and_leases_it_to_the_caller_again(campaign, caller):
    target = leased(campaign, caller)
    recorded = record(target.pk, caller, Outcome.HOSTILE, notes="shouted", now=NOW)
    restored = undo(recorded.undo_token, caller, now=NOW + 30 * datetime.timedelta(seconds=1))
    assert restored.pk == target.pk
    target.refresh_from_db()
    assert target.attempts == 0 and not target.closed and target.next_attempt_at is None
    assert target.leased_to == caller and target.lease_until > NOW
    assert not Call.objects.exists()
    # Then another outcome can be recorded.
    record(target.pk, caller, Outcome.LISTENED, now=NOW + MINUTE)
    assert Call.objects.get().outcome == Outcome.LISTENED


def test_undo_of_do_not_call_takes_the_number_off_the_list(campaign, caller):
    target = leased(campaign, caller)
    recorded = record(target.pk, caller, Outcome.DO_NOT_CALL, now=NOW)
    assert DoNotCall.objects.exists()
    undo(recorded.undo_token, caller, now=NOW)
    assert not DoNotCall.objects.exists()
    target.refresh_from_db()
    assert not target.closed


def test_undo_keeps_a_number_listed_before_the_outcome(campaign, caller):
    target = leased(campaign, caller)
    recorded_dnc = DoNotCall.objects.create(phone_key=target.phone_key)
    recorded = record(target.pk, caller, Outcome.WRONG_NUMBER, now=NOW)
    undo(recorded.undo_token, caller, now=NOW)
    assert DoNotCall.objects.filter(pk=recorded_dnc.pk).exists()


def test_undo_after_the_minute_twice_by_someone_else_or_forged_is_refused(campaign, caller):
    target = leased(campaign, caller)
    recorded = record(target.pk, caller, Outcome.BUSY, now=NOW)
    stranger = get_user_model().objects.create_user("stranger")
    with translation.override("en"):
        with pytest.raises(OutcomeError, match="minute"):
            undo(recorded.undo_token, caller, now=NOW + 61 * datetime.timedelta(seconds=1))
        with pytest.raises(OutcomeError, match="Only the caller"):
            undo(recorded.undo_token, stranger, now=NOW)
        with pytest.raises(OutcomeError, match="not valid"):
            undo(recorded.undo_token[:-2] + "xx", caller, now=NOW)
        undo(recorded.undo_token, caller, now=NOW)
        queue.release(Target.objects.get(pk=target.pk), caller)
        with pytest.raises(OutcomeError, match="already undone"):
            undo(recorded.undo_token, caller, now=NOW)


def test_undo_while_holding_another_call_is_refused(campaign, caller):
    target = leased(campaign, caller)
    make_target(campaign, 2)
    recorded = record(target.pk, caller, Outcome.BUSY, now=NOW)
    assert queue.next_call(campaign, caller, now=NOW) is not None
    with translation.override("en"), pytest.raises(OutcomeError, match="current call"):
        undo(recorded.undo_token, caller, now=NOW)
    assert Call.objects.count() == 1


def test_call_notes_are_sealed_and_deleted_on_their_retention_day(
    campaign, caller, custodian_identity
):
    target = leased(campaign, caller)
    call = record(target.pk, caller, Outcome.LISTENED, notes="他听完了", now=NOW).call
    call.refresh_from_db()
    assert b"\xe4\xbb\x96" not in bytes(call.sealed_notes)
    opened = json.loads(pyrage.decrypt(bytes(call.sealed_notes), [custodian_identity]))
    assert opened["call_notes"] == "他听完了"
    assert campaign_retention.delete_due(call.notes_delete_on - datetime.timedelta(days=1)) == (
        campaign_retention.Deleted(call_notes=0, targets=0)
    )
    assert campaign_retention.delete_due(call.notes_delete_on).call_notes == 1
    call.refresh_from_db()
    assert call.sealed_notes is None


def test_a_finished_campaigns_targets_are_deleted_after_the_retention_period(
    campaign, caller, settings
):
    settings.TUIDANG_CAMPAIGN_RETENTION_DAYS = 10
    agreed = leased(campaign, caller)
    record(agreed.pk, caller, Outcome.AGREED, persons=1, now=NOW)
    make_target(campaign, 2)
    campaign.status = CampaignStatus.FINISHED
    campaign.finished_day = datetime.date(2026, 7, 1)
    campaign.save()
    assert campaign_retention.delete_due(datetime.date(2026, 7, 10)).targets == 0
    assert campaign_retention.delete_due(datetime.date(2026, 7, 11)).targets == 1
    # The sealed agreement stays (nothing in the clear); the call keeps its figures.
    assert list(Target.objects.values_list("pk", flat=True)) == [agreed.pk]
    assert Call.objects.get().outcome == Outcome.AGREED


def test_call_records_hold_no_time_of_day():
    timed = (models.DateTimeField, models.TimeField)
    assert [f.name for f in Call._meta.get_fields() if isinstance(f, timed)] == []


def test_every_outcome_has_a_next_step(campaign, caller):
    """No outcome leaves the target leased or unchanged."""
    for number, outcome in enumerate(Outcome.values, start=1):
        target = leased(campaign, get_user_model().objects.create_user(f"c{number}"), number)
        extra = {"callback_at": NOW + 60 * MINUTE} if outcome == Outcome.CALLBACK else {}
        record(target.pk, target.leased_to, outcome, now=NOW, **extra)
        target.refresh_from_db()
        assert target.attempts == 1 and target.leased_to is None, outcome
        assert target.closed or target.next_attempt_at or target.callback_at, outcome
    assert set(Call.objects.values_list("outcome", flat=True)) == set(Outcome.values)
    assert outcomes.UNDO_SECONDS == 60
