"""Configuration by administrators: the organisations one can withdraw from
(add, rename, reorder, deactivate, reactivate — never delete: stored
declarations and log entries keep their codes) and the named milestone
thresholds (add, remove; crossed milestones stay). The milestone step is a
setting. Every change is an audit event; every page is one URL that takes a
POST with an `action`, then redirects, or answers 400 with the errors beside
their fields."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuidang.console import audit
from tuidang.console.configuration_forms import (
    OrganisationForm,
    OrganisationNamesForm,
    ThresholdForm,
)
from tuidang.console.decorators import console_view
from tuidang.console.roles import Permission
from tuidang.registry import organisations, script
from tuidang.registry.models import Milestone, MilestoneThreshold

MOVES = {"up": -1, "down": 1}


def _names_form(entry, data=None) -> OrganisationNamesForm:
    initial = {"name_en": entry.name_en, "name_zh_hans": entry.name_zh_hans}
    return OrganisationNamesForm(data, prefix=entry.code, initial=initial)


def _render_organisations(request, add_form, bound=None, error=None, status=200):
    bound = bound or {}
    rows = [
        {
            "entry": entry,
            "traditional": script.to_traditional(entry.name_zh_hans),
            "form": bound.get(entry.code) or _names_form(entry),
        }
        for entry in organisations.entries()
    ]
    context = {"rows": rows, "add_form": add_form, "error": error}
    return render(request, "console/organisations.html", context, status=status)


@console_view(Permission.CONFIGURE)
@require_http_methods(["GET", "HEAD", "POST"])
def organisations_page(request):
    if request.method != "POST":
        return _render_organisations(request, OrganisationForm(prefix="new"))
    action = request.POST.get("action")
    if action == "add":
        form = OrganisationForm(request.POST, prefix="new")
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisations.add(data["code"], data["name_en"], data["name_zh_hans"])
            except IntegrityError:  # added by someone else since the form was checked
                form.add_error("code", _("This code is taken."))
            else:
                detail = f"{data['code']} {data['name_en']} / {data['name_zh_hans']}"
                audit.record(request.user, "organisation_added", detail=detail)
                return redirect("console:organisations")
        return _render_organisations(request, form, status=400)
    entry = next((e for e in organisations.entries() if e.code == request.POST.get("code")), None)
    if entry is None:
        raise Http404
    if action == "rename":
        form = _names_form(entry, request.POST)
        if not form.is_valid():
            add_form = OrganisationForm(prefix="new")
            return _render_organisations(request, add_form, {entry.code: form}, status=400)
        data = form.cleaned_data
        organisations.rename(entry.code, data["name_en"], data["name_zh_hans"])
        detail = f"{entry.code} {data['name_en']} / {data['name_zh_hans']}"
        audit.record(request.user, "organisation_renamed", detail=detail)
    elif action in MOVES:
        if organisations.move(entry.code, MOVES[action]):
            audit.record(request.user, "organisation_moved", detail=f"{entry.code} {action}")
    elif action in ("deactivate", "reactivate"):
        try:
            organisations.set_active(entry.code, action == "reactivate")
        except organisations.LastActiveOrganisation:
            error = _("At least one organisation must stay active.")
            return _render_organisations(
                request, OrganisationForm(prefix="new"), error=error, status=400
            )
        audit.record(request.user, f"organisation_{action}d", detail=entry.code)
    else:
        return HttpResponseBadRequest()
    return redirect("console:organisations")


def _render_milestones(request, form, status=200):
    crossed = dict(Milestone.objects.values_list("threshold", "crossed_on"))
    thresholds = [
        {"threshold": threshold, "crossed_on": crossed.get(threshold.value)}
        for threshold in MilestoneThreshold.objects.all()
    ]
    context = {
        "form": form,
        "thresholds": thresholds,
        "step": settings.TUIDANG_MILESTONE_STEP,
        "milestones": Milestone.objects.all()[:50],
    }
    return render(request, "console/milestones.html", context, status=status)


@console_view(Permission.CONFIGURE)
@require_http_methods(["GET", "HEAD", "POST"])
def milestones_page(request):
    if request.method != "POST":
        return _render_milestones(request, ThresholdForm())
    action = request.POST.get("action")
    if action == "add":
        form = ThresholdForm(request.POST)
        if not form.is_valid():
            return _render_milestones(request, form, status=400)
        try:
            with transaction.atomic():
                threshold = MilestoneThreshold.objects.create(**form.cleaned_data)
        except IntegrityError:  # added by someone else since the form was checked
            form.add_error("value", _("This threshold is already named."))
            return _render_milestones(request, form, status=400)
        audit.record(request.user, "milestone_added", detail=str(threshold))
    elif action == "remove":
        raw = request.POST.get("id", "")
        if not (raw.isascii() and raw.isdigit()):
            raise Http404
        threshold = get_object_or_404(MilestoneThreshold, pk=int(raw))
        threshold.delete()
        audit.record(request.user, "milestone_removed", detail=str(threshold))
    else:
        return HttpResponseBadRequest()
    return redirect("console:milestones")
