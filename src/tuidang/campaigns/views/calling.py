"""The caller's screens: the list of running campaigns with "Next call", the
call screen (script, target, `tel:` link, notes, outcome buttons), the page
after an outcome (what happens next, undo for a minute), and the three ways
an agreement is recorded: the hotline intake pre-filled from the target, the
one-step "alias we make", and the group intake.

A target's details are shown only to the caller it is leased to
(`_leased_target`); anyone else gets 409 and no details. In a practice
campaign an agreement records nothing in the registry."""

from zoneinfo import ZoneInfo

import phonenumbers
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tuidang.campaigns import outcomes, queue, scripts
from tuidang.campaigns.call_forms import SCREEN_OUTCOMES, AliasAgreementForm, OutcomeForm
from tuidang.campaigns.choices import CampaignStatus, Outcome
from tuidang.campaigns.models import Campaign, DoNotCall, ScriptVersion, Target
from tuidang.console import intake_flow
from tuidang.console.decorators import console_view
from tuidang.console.intake_forms import GroupForm, HotlineForm
from tuidang.console.roles import Permission
from tuidang.registry import aliases, places
from tuidang.registry.choices import Channel, Naming
from tuidang.registry.intake import DeclarationInput, IntakeError, PersonInput, check

CHANNELS = [(Channel.OUTBOUND_CALL.value, Channel.OUTBOUND_CALL.label)]
AGREED_TITLE = gettext_lazy("Agreed: record the declaration")


def _leased_target(request, target_id: int) -> Target | None:
    return (
        Target.objects.select_related("campaign")
        .filter(pk=target_id, leased_to=request.user, closed=False)
        .first()
    )


def _calls_page(request, *, message: str = "", status: int = 200):
    running = Campaign.objects.filter(status=CampaignStatus.RUNNING).order_by("practice", "name")
    now = timezone.now()
    current = Target.objects.filter(
        leased_to=request.user, closed=False, lease_until__gt=now
    ).first()
    context = {"campaigns": running, "current": current, "message": message}
    return render(request, "campaigns/calls.html", context, status=status)


def _not_yours(request):
    return _calls_page(
        request,
        message=_("This call is not leased to you (any more): take the next call."),
        status=409,
    )


def _script_of(target: Target, script_id) -> ScriptVersion | None:
    if script_id:
        return ScriptVersion.objects.filter(pk=script_id, campaign_id=target.campaign_id).first()
    return scripts.current(target.campaign)


def _details(target: Target) -> dict:
    """What the call screen shows of a target (leased to the viewer)."""
    number = phonenumbers.parse(target.phone_e164)
    zone = ZoneInfo(target.time_zone)
    place = target.place
    if place in places.province_codes():
        place = places.province_name(place)
    return {
        "phone_display": phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        ),
        "phone_link": "tel:" + target.phone_e164,
        "place": place,
        "local_now": timezone.now().astimezone(zone),
        "callback_local": target.callback_at.astimezone(zone) if target.callback_at else None,
    }


def _call_screen(request, target: Target, form: OutcomeForm | None = None, status: int = 200):
    script = scripts.current(target.campaign)
    form = form or OutcomeForm(time_zone=target.time_zone, initial={"script": script and script.pk})
    context = {
        "target": target,
        "campaign": target.campaign,
        "script": script,
        "script_html": scripts.render(script.text) if script else "",
        "form": form,
        "outcomes": SCREEN_OUTCOMES,
        **_details(target),
    }
    return render(request, "campaigns/call.html", context, status=status)


@console_view(Permission.HOTLINE)
@require_http_methods(["GET", "HEAD"])
def calls_page(request):
    return _calls_page(request)


@console_view(Permission.HOTLINE)
@require_POST
def next_call(request):
    campaign = None
    chosen = request.POST.get("campaign", "")
    if chosen:
        campaign = Campaign.objects.filter(
            pk=int(chosen) if chosen.isdigit() else 0, status=CampaignStatus.RUNNING
        ).first()
        if campaign is None:
            return _calls_page(request, message=_("This campaign is not running."), status=400)
    try:
        target = queue.next_call(campaign, request.user)
    except queue.QueueError as error:
        return _calls_page(request, message=str(error), status=409)
    if target is None:
        return _calls_page(
            request,
            message=_(
                "Nobody can be called now: it is outside every target's calling hours, "
                "or the list is done."
            ),
        )
    return redirect("console:call", target_id=target.pk)


@console_view(Permission.HOTLINE)
@require_http_methods(["GET", "HEAD"])
def call_page(request, target_id):
    target = _leased_target(request, target_id)
    if target is None:
        return _not_yours(request)
    return _call_screen(request, target)


@console_view(Permission.HOTLINE)
@require_POST
def outcome(request, target_id):
    target = _leased_target(request, target_id)
    if target is None:
        return _not_yours(request)
    form = OutcomeForm(request.POST, time_zone=target.time_zone)
    if not form.is_valid():
        return _call_screen(request, target, form, status=400)
    data = form.cleaned_data
    try:
        recorded = outcomes.record(
            target.pk,
            request.user,
            data["outcome"],
            script=_script_of(target, data.get("script")),
            notes=data["notes"],
            callback_at=data["callback_local"],
        )
    except outcomes.OutcomeError as error:
        field = "callback_local" if data["outcome"] == Outcome.CALLBACK else None
        form.add_error(field, str(error))
        return _call_screen(request, target, form, status=400)
    return _recorded_page(request, recorded)


def _recorded_page(request, recorded: outcomes.Recorded):
    target = recorded.target
    zone = ZoneInfo(target.time_zone)
    context = {
        "call": recorded.call,
        "outcome_label": Outcome(recorded.call.outcome).label,
        "target": target,
        "campaign": target.campaign,
        "undo_token": recorded.undo_token,
        "undo_seconds": outcomes.UNDO_SECONDS,
        "listed": DoNotCall.objects.filter(phone_key=target.phone_key).exists(),
        "callback_local": target.callback_at.astimezone(zone) if target.callback_at else None,
    }
    return render(request, "campaigns/recorded.html", context)


@console_view(Permission.HOTLINE)
@require_POST
def undo(request):
    try:
        target = outcomes.undo(request.POST.get("token", ""), request.user)
    except outcomes.OutcomeError as error:
        return _calls_page(request, message=str(error), status=409)
    return redirect("console:call", target_id=target.pk)


@console_view(Permission.HOTLINE)
@require_POST
def release(request, target_id):
    target = _leased_target(request, target_id)
    if target is None:
        return _not_yours(request)
    try:
        queue.release(target, request.user)
    except queue.QueueError as error:
        return _calls_page(request, message=str(error), status=409)
    return redirect("console:calls")


# Agreements.


def _province(target: Target) -> str:
    """The target's place as a province code for the intake, or "" if it is free text."""
    return target.place if target.place in places.province_codes() else ""


def _initial(target: Target) -> dict:
    """The intake form pre-filled from the target: outbound call, its sector,
    rank and place, person 1 under an alias we make."""
    return {
        "channel": Channel.OUTBOUND_CALL,
        "sector": target.sector,
        "rank": target.rank,
        "country": places.CHINA,
        "province": _province(target),
        "p1_naming": Naming.GENERATED_ALIAS,
    }


def _record_agreement(request, target: Target, outcome_value: str):
    """The `on_saved` hook: record the call's agreement in the declaration's
    transaction; if it cannot be recorded, nothing of the declaration is kept."""
    script = _script_of(target, request.GET.get("script", ""))

    def on_saved(receipt):
        try:
            outcomes.record(
                target.pk, request.user, outcome_value, script=script, persons=receipt.persons
            )
        except outcomes.OutcomeError as error:
            raise IntakeError({"call": [str(error)]}) from None

    return on_saved


def _agreement_intake(request, target_id, *, form_class, outcome_value, title, group):
    target = _leased_target(request, target_id)
    if target is None:
        return _not_yours(request)
    return intake_flow.run(
        request,
        form_class=form_class,
        channels=CHANNELS,
        template="campaigns/agreed.html",
        title=title,
        group=group,
        default_slots=8 if group else 1,
        initial=_initial(target),
        on_saved=_record_agreement(request, target, outcome_value),
        practice=target.campaign.practice,
        context={
            "target": target,
            "campaign": target.campaign,
            "alias_form": None if group else AliasAgreementForm(),
        },
    )


@console_view(Permission.HOTLINE)
@require_http_methods(["GET", "HEAD", "POST"])
def agreed(request, target_id):
    return _agreement_intake(
        request,
        target_id,
        form_class=HotlineForm,
        outcome_value=Outcome.AGREED,
        title=AGREED_TITLE,
        group=False,
    )


@console_view(Permission.HOTLINE)
@require_http_methods(["GET", "HEAD", "POST"])
def agreed_group(request, target_id):
    return _agreement_intake(
        request,
        target_id,
        form_class=GroupForm,
        outcome_value=Outcome.AGREED_GROUP,
        title=gettext_lazy("Agreed as a group: record the group's statement"),
        group=True,
    )


def _alias_input(target: Target, form: AliasAgreementForm, group_id=None) -> DeclarationInput:
    return DeclarationInput(
        channel=Channel.OUTBOUND_CALL,
        organisations=form.cleaned_data["organisations"],
        people=[PersonInput(Naming.GENERATED_ALIAS)],
        country=places.CHINA,
        province=_province(target),
        sector=target.sector,
        rank=target.rank,
        group_id=group_id,
        idempotency_key="console:" + form.cleaned_data["token"],
    )


@console_view(Permission.HOTLINE)
@require_POST
def agreed_alias(request, target_id):
    """One step: "registered under an alias we make", no name; the alias is
    shown in large type to read back."""
    target = _leased_target(request, target_id)
    if target is None:
        return _not_yours(request)
    form = AliasAgreementForm(request.POST)
    context = {"target": target, "campaign": target.campaign}
    if form.is_valid():
        try:
            if target.campaign.practice:
                check(_alias_input(target, form))
                alias = aliases.generate()
                return render(
                    request,
                    "campaigns/agreed_alias.html",
                    {**context, "practice": True, "alias": alias},
                )
            receipt = intake_flow.save_declaration(
                request.user,
                lambda group_id: _alias_input(target, form, group_id),
                channel=Channel.OUTBOUND_CALL,
                on_saved=_record_agreement(request, target, Outcome.AGREED),
            )
        except IntakeError as error:
            for messages in error.errors.values():
                for message in messages:
                    form.add_error(None, message)
        else:
            return render(request, "campaigns/agreed_alias.html", {**context, "receipt": receipt})
    context["form"] = HotlineForm(channels=CHANNELS, slots=1, initial=_initial(target))
    context.update(alias_form=form, title=AGREED_TITLE, more=6)
    return render(request, "campaigns/agreed.html", context, status=400)
