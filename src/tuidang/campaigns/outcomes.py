"""Recording the outcome of a call, and what each outcome decides next.

Every outcome counts one attempt, ends the caller's lease and writes a `Call`
row with the UTC day (never a time of day). Then:

- no answer, busy, voicemail, hung up, hostile, listened in silence: the
  target comes back after the campaign's spacing for that outcome (busy
  sooner, hostile later: `Campaign.spacing_minutes`);
- asked for a callback: the target comes back first at the requested time;
- wrong number, do not call: the number goes on the do-not-call list (every
  campaign and every later import honour it) and the target is closed;
- agreed, agreed as a group: the target is closed, and its name or title,
  unit and phone are sealed to the custodians and emptied (`erasure.py`).

Whatever the outcome, the attempt limit and the campaign's minimum gap hold:
a target that reached the limit is closed, and no target comes back (not
even for a callback) sooner than the minimum gap.

Undo: the caller may take back the last outcome for UNDO_SECONDS. `record`
returns an undo token (signed with the secret key; it names the call, the
target's state before the outcome and the instant it was recorded). The token
lives only in the caller's page: nothing on disk remembers when a call ended.
Undoing deletes the call, restores the target and leases it to the caller
again. Agreements are not undone here: the declaration is already counted
(a moderator revokes it if it was a mistake)."""

import dataclasses
import datetime
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.campaigns import erasure
from tuidang.campaigns.choices import AGREEMENTS, REMOVES_NUMBER, Outcome, RetryOutcome
from tuidang.campaigns.models import Call, DoNotCall, ScriptVersion, Target
from tuidang.campaigns.queue import LEASE_MINUTES, holds_lease
from tuidang.console import retention
from tuidang.registry import sealing
from tuidang.registry.choices import Channel

UNDO_SECONDS = 60
_UNDO_SALT = "tuidang.campaigns.undo"


class OutcomeError(Exception):
    """An outcome or undo the caller may not record; the message is for them."""


@dataclasses.dataclass(frozen=True)
class Recorded:
    call: Call
    target: Target
    undo_token: str | None  # None for agreements, which are not undone here


def _leased(target_id: int, caller) -> Target:
    """The target, locked, if it is leased to `caller` (an expired lease no one
    else took still counts: the call may simply have been long)."""
    target = (
        Target.objects.select_for_update()
        .select_related("campaign")
        .filter(pk=target_id, leased_to=caller, closed=False)
        .first()
    )
    if target is None:
        raise OutcomeError(_("This target is not leased to you: take the next call."))
    return target


def _later(now, minutes: int, minimum_gap: int) -> datetime.datetime:
    return now + datetime.timedelta(minutes=max(minutes, minimum_gap))


def _close(target: Target) -> None:
    target.closed = True
    target.next_attempt_at = None
    target.callback_at = None


def _next_step(
    target: Target, outcome: str, now: datetime.datetime, callback_at: datetime.datetime | None
) -> None:
    """Set the target's schedule for `outcome` (attempts already counted)."""
    campaign = target.campaign
    gap = campaign.minimum_gap_minutes
    target.next_attempt_at = None
    target.callback_at = None
    if outcome in RetryOutcome.values:
        spacing = campaign.spacing_minutes.get(outcome, gap)
        target.next_attempt_at = _later(now, spacing, gap)
    elif outcome == Outcome.CALLBACK:
        target.callback_at = max(callback_at, _later(now, 0, gap))
    ends = outcome in REMOVES_NUMBER or outcome in AGREEMENTS
    if ends or target.attempts >= campaign.attempt_limit:
        _close(target)


def _sealed_notes(notes: str, day: datetime.date) -> dict:
    if not notes.strip():
        return {}
    return {
        "sealed_notes": sealing.seal({"call_notes": notes}),
        "notes_delete_on": day + retention.period(Channel.OUTBOUND_CALL),
    }


def check_callback(
    target: Target, callback_at: datetime.datetime | None, now: datetime.datetime
) -> None:
    if callback_at is None:
        raise OutcomeError(_("Give the local time the person asked to be called back."))
    if callback_at <= now:
        raise OutcomeError(_("The callback time has already passed."))
    if callback_at.astimezone(ZoneInfo(target.time_zone)).date() > target.campaign.end_day:
        raise OutcomeError(_("The callback time is after the campaign ends."))


def record(
    target_id: int,
    caller,
    outcome: str,
    *,
    script: ScriptVersion | None = None,
    notes: str = "",
    callback_at: datetime.datetime | None = None,
    persons: int = 0,
    now: datetime.datetime | None = None,
) -> Recorded:
    """Record `outcome` of the call to the target leased to `caller`. For an
    agreement, call this inside the transaction that makes the declaration."""
    now = now or timezone.now()
    today = now.astimezone(datetime.UTC).date()
    if outcome not in Outcome.values:
        raise OutcomeError(_("Unknown outcome."))
    with transaction.atomic():
        target = _leased(target_id, caller)
        if outcome == Outcome.CALLBACK:
            check_callback(target, callback_at, now)
        if script is not None and script.campaign_id != target.campaign_id:
            raise OutcomeError(_("This script belongs to another campaign."))
        before = {
            "attempts": target.attempts,
            "next_attempt_at": target.next_attempt_at and target.next_attempt_at.isoformat(),
            "callback_at": target.callback_at and target.callback_at.isoformat(),
            "closed": target.closed,
        }
        target.attempts += 1
        target.leased_to = None
        target.lease_until = None
        _next_step(target, outcome, now, callback_at)
        listed = False
        if outcome in REMOVES_NUMBER:
            reason = (
                DoNotCall.Reason.WRONG_NUMBER
                if outcome == Outcome.WRONG_NUMBER
                else DoNotCall.Reason.ASKED
            )
            _entry, listed = DoNotCall.objects.get_or_create(
                phone_key=target.phone_key, defaults={"reason": reason}
            )
        if outcome in AGREEMENTS:
            erasure.seal_and_clear(target)
        target.save()
        call = Call.objects.create(
            campaign_id=target.campaign_id,
            target=target,
            caller=caller,
            script=script,
            outcome=outcome,
            day=today,
            sector=target.sector,
            rank=target.rank,
            persons=persons if outcome in AGREEMENTS else 0,
            **_sealed_notes(notes, today),
        )
    token = None
    if outcome not in AGREEMENTS:
        token = signing.dumps(
            {
                "call": call.pk,
                "target": target.pk,
                "caller": caller.pk,
                "before": before,
                "listed": listed,
                "at": now.timestamp(),
            },
            salt=_UNDO_SALT,
        )
    return Recorded(call=call, target=target, undo_token=token)


def _instant(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def undo(token: str, caller, now: datetime.datetime | None = None) -> Target:
    """Take back the outcome `token` was given for; return the target, leased
    to `caller` again."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=_UNDO_SALT)
    except signing.BadSignature:
        raise OutcomeError(_("This undo is not valid.")) from None
    if payload.get("caller") != caller.pk:
        raise OutcomeError(_("Only the caller who recorded an outcome can undo it."))
    if not 0 <= now.timestamp() - payload["at"] <= UNDO_SECONDS:
        raise OutcomeError(_("The minute to undo this outcome has passed."))
    with transaction.atomic():
        call = (
            Call.objects.select_for_update()
            .filter(pk=payload["call"], caller=caller, target_id=payload["target"])
            .first()
        )
        if call is None:
            raise OutcomeError(_("Nothing to undo: this outcome was already undone."))
        if holds_lease(caller, now):
            raise OutcomeError(_("Finish or release your current call before undoing."))
        target = Target.objects.select_for_update().get(pk=payload["target"])
        if target.leased_to_id is not None and target.lease_until and target.lease_until > now:
            raise OutcomeError(_("Another caller has this target now."))
        before = payload["before"]
        target.attempts = before["attempts"]
        target.next_attempt_at = _instant(before["next_attempt_at"])
        target.callback_at = _instant(before["callback_at"])
        target.closed = before["closed"]
        target.leased_to = caller
        target.lease_until = now + datetime.timedelta(minutes=LEASE_MINUTES)
        target.save()
        if payload["listed"]:
            DoNotCall.objects.filter(phone_key=target.phone_key).delete()
        call.delete()
    return target
