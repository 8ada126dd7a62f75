"""Intake screens: hotline and outbound calls (self or proxy), groups, and the
transcription channels (fax, email, in person, banknote or poster)."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from tuidang.console import intake_flow
from tuidang.console.decorators import console_view
from tuidang.console.intake_forms import (
    GroupForm,
    HotlineForm,
    PhotoOriginalForm,
    TextOriginalForm,
)
from tuidang.console.roles import Permission, Role
from tuidang.registry.choices import Channel

CALLS = [
    (Channel.HOTLINE.value, Channel.HOTLINE.label),
    (Channel.OUTBOUND_CALL.value, Channel.OUTBOUND_CALL.label),
]
TRANSCRIPTION = {
    "fax": (Channel.FAX, PhotoOriginalForm),
    "email": (Channel.EMAIL, TextOriginalForm),
    "in-person": (Channel.IN_PERSON, TextOriginalForm),
    "banknote-poster": (Channel.BANKNOTE_POSTER, PhotoOriginalForm),
}


def _call_channels(request):
    # A caller's usual channel is the outbound call; an operator's the hotline.
    return CALLS[::-1] if request.volunteer.role == Role.CALLER else CALLS


@console_view(Permission.HOTLINE)
@require_http_methods(["GET", "HEAD", "POST"])
def hotline(request):
    return intake_flow.run(
        request,
        form_class=HotlineForm,
        channels=_call_channels(request),
        template="console/intake.html",
        title=_("Hotline intake"),
    )


@console_view(Permission.HOTLINE)
@require_http_methods(["GET", "HEAD", "POST"])
def group(request):
    return intake_flow.run(
        request,
        form_class=GroupForm,
        channels=_call_channels(request),
        template="console/intake.html",
        title=_("Group statement"),
        group=True,
        default_slots=8,
    )


@console_view(Permission.TRANSCRIBE)
@require_http_methods(["GET", "HEAD", "POST"])
def transcribe(request, channel):
    if channel not in TRANSCRIPTION:
        raise Http404
    code, form_class = TRANSCRIPTION[channel]
    return intake_flow.run(
        request,
        form_class=form_class,
        channels=[(code.value, code.label)],
        template="console/intake.html",
        title=code.label,
    )
