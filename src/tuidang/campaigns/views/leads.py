"""The campaign leads' screens (Permission.CAMPAIGNS): the list of campaigns
and a form to create one; a campaign's settings, status, spacing, calling
windows and holidays; its script versions; the upload of its target list; and
the do-not-call list shared by every campaign.

Like the configuration screens, every page is one URL that takes a POST with
an `action`, then redirects, or answers 400 with the errors beside their
fields; every change is an audit event whose detail names campaigns, days and
counts, never a target's name or number. These pages show counts of targets
and of the do-not-call list, never a name or a number.

A target list is read in memory only (`InMemoryUploadHandler`): Django would
write an upload over FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, and a
list of officials' names and numbers must never touch the disk in the clear.
So the targets view swaps the upload handlers before anything reads the body,
which is why its CSRF check runs inside the view (Django's "Modifying upload
handlers on the fly")."""

import functools
import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from tuidang.campaigns import phones, scripts
from tuidang.campaigns.choices import CampaignStatus
from tuidang.campaigns.days import utc_today
from tuidang.campaigns.defaults import default_windows
from tuidang.campaigns.forms import (
    CampaignForm,
    CampaignSettingsForm,
    DoNotCallForm,
    HolidayForm,
    ScriptForm,
    SpacingForm,
    TargetUploadForm,
    WindowForm,
)
from tuidang.campaigns.models import CallingWindow, Campaign, DoNotCall, Holiday, Target
from tuidang.campaigns.target_import import ImportReport, import_targets
from tuidang.console import audit
from tuidang.console.decorators import console_view
from tuidang.console.roles import Permission

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
_KEY_CHUNK = 500


# --- Helpers ---------------------------------------------------------------------------


def _posted_id(request, name: str = "id") -> int:
    raw = request.POST.get(name, "")
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    return int(raw)


def _audit(request, action: str, campaign: Campaign | None, detail: str = "") -> None:
    prefix = f"campaign {campaign.pk}" if campaign is not None else ""
    audit.record(request.user, action, detail=": ".join(p for p in (prefix, detail) if p))


# --- The list of campaigns ---------------------------------------------------------------


def _campaigns_with_counts():
    return Campaign.objects.annotate(
        open_targets=Count("targets", filter=Q(targets__closed=False)),
        closed_targets=Count("targets", filter=Q(targets__closed=True)),
    ).order_by("-start_day", "-pk")


def _render_campaigns(request, form, status=200):
    context = {"campaigns": _campaigns_with_counts(), "form": form}
    return render(request, "campaigns/lead_campaigns.html", context, status=status)


@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD", "POST"])
def campaigns_page(request):
    if request.method != "POST":
        return _render_campaigns(request, CampaignForm())
    form = CampaignForm(request.POST)
    if not form.is_valid():
        return _render_campaigns(request, form, status=400)
    with transaction.atomic():
        campaign = form.save()
        default_windows(campaign)
    _audit(request, "campaign_created", campaign, "practice" if campaign.practice else "")
    return redirect("console:campaign", campaign_id=campaign.pk)


# --- One campaign: settings, spacing, windows, holidays ----------------------------------


def _settings_form(campaign: Campaign, data=None) -> CampaignSettingsForm:
    # A copy: a bound ModelForm changes its instance while it validates.
    instance = Campaign.objects.get(pk=campaign.pk)
    return CampaignSettingsForm(
        data, instance=instance, prefix="settings", practice_fixed=campaign.calls.exists()
    )


def _windows_by_weekday(campaign: Campaign) -> list[dict]:
    windows = list(campaign.windows.all())
    days = WindowForm.base_fields["weekday"].choices
    return [
        {"weekday": label, "windows": [w for w in windows if w.weekday == number]}
        for number, label in days
    ]


def _render_campaign(request, campaign: Campaign, status=200, **forms):
    context = {
        "campaign": campaign,
        "settings_form": forms.get("settings") or _settings_form(campaign),
        "spacing_form": forms.get("spacing")
        or SpacingForm(prefix="spacing", spacing=campaign.spacing_minutes),
        "window_form": forms.get("window") or WindowForm(prefix="window", campaign=campaign),
        "holiday_form": forms.get("holiday") or HolidayForm(prefix="holiday", campaign=campaign),
        "weekdays": _windows_by_weekday(campaign),
        "holidays": campaign.holidays.order_by("day"),
    }
    return render(request, "campaigns/lead_campaign.html", context, status=status)


def _finished_day(campaign: Campaign, status_before: str):
    """Finishing stores today's UTC day; leaving "finished" clears it."""
    if campaign.status != CampaignStatus.FINISHED:
        return None
    if status_before == CampaignStatus.FINISHED and campaign.finished_day is not None:
        return campaign.finished_day
    return utc_today()


def _change_settings(request, campaign: Campaign):
    form = _settings_form(campaign, request.POST)
    if not form.is_valid():
        return _render_campaign(request, campaign, status=400, settings=form)
    changed = form.save(commit=False)
    changed.finished_day = _finished_day(changed, campaign.status)
    changed.save()
    fields = ", ".join(form.changed_data) or "no change"
    _audit(request, "campaign_changed", changed, f"{fields}; status {changed.status}")
    return None


def _change_spacing(request, campaign: Campaign):
    form = SpacingForm(request.POST, prefix="spacing")
    if not form.is_valid():
        return _render_campaign(request, campaign, status=400, spacing=form)
    campaign.spacing_minutes = form.spacing()
    campaign.save(update_fields=["spacing_minutes"])
    _audit(request, "campaign_spacing_changed", campaign)
    return None


def _add_window(request, campaign: Campaign):
    form = WindowForm(request.POST, prefix="window", campaign=campaign)
    if not form.is_valid():
        return _render_campaign(request, campaign, status=400, window=form)
    window = CallingWindow.objects.create(campaign=campaign, **form.cleaned_data)
    _audit(request, "calling_window_added", campaign, str(window))
    return None


def _remove_window(request, campaign: Campaign):
    window = get_object_or_404(CallingWindow, pk=_posted_id(request), campaign=campaign)
    window.delete()
    _audit(request, "calling_window_removed", campaign, str(window))
    return None


def _add_holiday(request, campaign: Campaign):
    form = HolidayForm(request.POST, prefix="holiday", campaign=campaign)
    if form.is_valid():
        try:
            with transaction.atomic():
                holiday = Holiday.objects.create(campaign=campaign, day=form.cleaned_data["day"])
        except IntegrityError:  # added by someone else since the form was checked
            form.add_error("day", _("This day is already a holiday."))
        else:
            _audit(request, "holiday_added", campaign, str(holiday))
            return None
    return _render_campaign(request, campaign, status=400, holiday=form)


def _remove_holiday(request, campaign: Campaign):
    holiday = get_object_or_404(Holiday, pk=_posted_id(request), campaign=campaign)
    holiday.delete()
    _audit(request, "holiday_removed", campaign, str(holiday))
    return None


# action → (what it does, the section of the page to come back to)
CAMPAIGN_ACTIONS = {
    "settings": (_change_settings, "settings"),
    "spacing": (_change_spacing, "spacing"),
    "add_window": (_add_window, "windows"),
    "remove_window": (_remove_window, "windows"),
    "add_holiday": (_add_holiday, "holidays"),
    "remove_holiday": (_remove_holiday, "holidays"),
}


@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_page(request, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if request.method != "POST":
        return _render_campaign(request, campaign)
    action = CAMPAIGN_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest()
    act, section = action
    refused = act(request, campaign)
    if refused is not None:
        return refused
    return redirect(reverse("console:campaign", args=[campaign.pk]) + f"#{section}")


# --- Script versions ---------------------------------------------------------------------


def _shown_version(campaign: Campaign, request):
    raw = request.GET.get("version", "")
    if raw.isascii() and raw.isdigit():
        return get_object_or_404(campaign.scripts, version=int(raw))
    return scripts.current(campaign)


def _render_script(request, campaign: Campaign, form=None, status=200):
    current = scripts.current(campaign)
    shown = _shown_version(campaign, request) if request.method != "POST" else current
    current_text = current.text if current else ""
    context = {
        "campaign": campaign,
        "current": current,
        "shown": shown,
        "shown_html": scripts.render(shown.text) if shown else "",
        "versions": campaign.scripts.order_by("-version").only("version", "created_day"),
        "form": form or ScriptForm(initial={"text": current_text}, current_text=current_text),
        "max_length": scripts.MAX_LENGTH,
    }
    return render(request, "campaigns/lead_script.html", context, status=status)


@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD", "POST"])
def script_page(request, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if request.method != "POST":
        return _render_script(request, campaign)
    current = scripts.current(campaign)
    form = ScriptForm(request.POST, current_text=current.text if current else "")
    if not form.is_valid():
        return _render_script(request, campaign, form, status=400)
    version = scripts.add_version(campaign, form.cleaned_data["text"])
    _audit(request, "script_version_added", campaign, f"version {version.version}")
    return redirect("console:campaign_script", campaign_id=campaign.pk)


# --- Target list -------------------------------------------------------------------------


class InMemoryUploadHandler(FileUploadHandler):
    """Keeps uploaded files in memory whatever FILE_UPLOAD_MAX_MEMORY_SIZE says,
    never on disk. Over `limit` bytes in all, it stops reading files and sets
    `too_large`; fields sent before the file (the CSRF token) are kept."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length is not None and content_length > self.limit:
            self.too_large = True

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.too_large:
            raise StopUpload(connection_reset=False)
        self.file = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        self.file.write(raw_data)

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _limit() -> str:
    return filesizeformat(MAX_UPLOAD_BYTES)


def _target_counts(campaign: Campaign) -> dict[str, int]:
    now = timezone.now()
    leased = Q(closed=False, leased_to__isnull=False, lease_until__gt=now)
    return campaign.targets.aggregate(
        open=Count("pk", filter=Q(closed=False)),
        leased=Count("pk", filter=leased),
        closed=Count("pk", filter=Q(closed=True)),
        sealed=Count("pk", filter=Q(sealed_identity__isnull=False)),
    )


def _render_targets(
    request, campaign, form, report: ImportReport | None = None, refusal="", status=200
):
    context = {
        "campaign": campaign,
        "form": form,
        "report": report,
        "refusal": refusal,
        "counts": _target_counts(campaign),
        "max_size": _limit(),
    }
    return render(request, "campaigns/lead_targets.html", context, status=status)


def _import_upload(request, campaign: Campaign, handler: InMemoryUploadHandler):
    if handler.too_large:
        refusal = _("The file is larger than %(size)s.") % {"size": _limit()}
        return _render_targets(request, campaign, TargetUploadForm(), refusal=refusal, status=413)
    form = TargetUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_targets(request, campaign, form, status=400)
    report = import_targets(campaign, form.cleaned_data["file"].read())
    if not report.ok:
        return _render_targets(request, campaign, TargetUploadForm(), report, status=400)
    detail = (
        f"{report.lines} lines, {report.created} created, {report.duplicates_in_file} repeated, "
        f"{report.already_targeted} already targeted, {report.do_not_call} do not call"
    )
    _audit(request, "targets_imported", campaign, detail)
    return _render_targets(request, campaign, TargetUploadForm(), report)


def in_memory_uploads(view):
    """Read the view's uploads with `InMemoryUploadHandler` only. The handlers
    must be swapped before anything reads the body, and the CSRF check reads
    it: so the middleware's check is skipped and the same check runs here,
    after the swap and before the view (as the middleware would)."""
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_handlers = [InMemoryUploadHandler(request, MAX_UPLOAD_BYTES)]
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def _upload_handler(request) -> InMemoryUploadHandler:
    (handler,) = request.upload_handlers
    return handler


@in_memory_uploads
@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD", "POST"])
def targets_page(request, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if request.method != "POST":
        return _render_targets(request, campaign, TargetUploadForm())
    return _import_upload(request, campaign, _upload_handler(request))


# --- The do-not-call list ----------------------------------------------------------------


def _present_keys(keys: list[str]) -> set[str]:
    present: set[str] = set()
    for i in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[i : i + _KEY_CHUNK]
        present.update(
            DoNotCall.objects.filter(phone_key__in=chunk).values_list("phone_key", flat=True)
        )
    return present


def _close_targets(keys: list[str]) -> int:
    """Close the open targets with these keys; a closed target keeps no schedule."""
    closed = 0
    for i in range(0, len(keys), _KEY_CHUNK):
        targets = Target.objects.filter(phone_key__in=keys[i : i + _KEY_CHUNK], closed=False)
        closed += targets.update(
            closed=True, leased_to=None, lease_until=None, next_attempt_at=None, callback_at=None
        )
    return closed


def add_to_do_not_call(numbers: list[str]) -> dict[str, int]:
    """List the E.164 `numbers` (as keyed hashes) and close their open targets."""
    keys = sorted({phones.phone_key(number) for number in numbers})
    with transaction.atomic():
        present = _present_keys(keys)
        fresh = [key for key in keys if key not in present]
        DoNotCall.objects.bulk_create(
            [DoNotCall(phone_key=key, reason=DoNotCall.Reason.LISTED) for key in fresh],
            ignore_conflicts=True,
        )
        closed = _close_targets(keys)
    return {"added": len(fresh), "already": len(keys) - len(fresh), "closed": closed}


def _render_do_not_call(request, form, result=None, status=200):
    context = {"form": form, "result": result, "entries": DoNotCall.objects.count()}
    return render(request, "campaigns/lead_do_not_call.html", context, status=status)


@console_view(Permission.CAMPAIGNS)
@require_http_methods(["GET", "HEAD", "POST"])
def do_not_call_page(request):
    if request.method != "POST":
        return _render_do_not_call(request, DoNotCallForm())
    form = DoNotCallForm(request.POST)
    if not form.is_valid():
        return _render_do_not_call(request, form, status=400)
    result = add_to_do_not_call(form.cleaned_data["numbers"])
    detail = (
        f"{result['added']} added, {result['already']} listed already, {result['closed']} closed"
    )
    _audit(request, "do_not_call_added", None, detail)
    return _render_do_not_call(request, DoNotCallForm(), result)
