"""What every console intake screen does on submit: parse the form, call the one
intake path (`registry.intake.declare`, accepted at once: volunteers are
trusted), list the declaration for review, keep the original (encrypted, until
its retention day) and write the audit event (day only). All of it in one
transaction, except the original's file, written last."""

from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.console import audit, originals, photos
from tuidang.console.intake_forms import slot_count
from tuidang.console.models import VolunteerEntry
from tuidang.registry.intake import IntakeError, declare
from tuidang.registry.models import Group
from tuidang.registry.scrubber import find_identifying_details


def _originals_of(form) -> list[tuple[str, bytes]]:
    """(kind, content) of the originals sent with the form; may raise PhotoError."""
    found = []
    for field in ("notes", "original"):
        text = form.cleaned_data.get(field)
        if text:
            found.append(("text", text.encode("utf-8")))
    upload = form.cleaned_data.get("photo")
    if upload:
        if upload.size > photos.MAX_BYTES:
            raise photos.PhotoError(
                _("The photo is larger than %(n)d MB.") % {"n": photos.MAX_BYTES // 2**20}
            )
        found.append(("image", photos.clean_photo(upload.read())))
    return found


def _save(request, form, group_label: str | None):
    kept = _originals_of(form)
    with transaction.atomic():
        group_id = None
        if group_label is not None:
            group_id = Group.objects.create(label=group_label, day=timezone.now().date()).pk
        receipt = declare(form.to_input(group_id=group_id), accept=True)
        if receipt.replayed:
            return receipt
        VolunteerEntry.objects.create(
            declaration_id=receipt.declaration_id,
            entered_by=request.user,
            day=timezone.now().date(),
        )
        audit.record(
            request.user,
            "intake",
            declaration_id=receipt.declaration_id,
            detail=form.cleaned_data["channel"],
        )
    for kind, content in kept:
        originals.store(
            content,
            channel=form.cleaned_data["channel"],
            kind=kind,
            declaration_id=receipt.declaration_id,
        )
    return receipt


def run(request, *, form_class, channels, template, title, group=False, default_slots=3):
    source = request.POST if request.method == "POST" else request.GET
    slots = slot_count(source.get("slots") or source.get("people"), default_slots)
    form = form_class(request.POST or None, request.FILES or None, channels=channels, slots=slots)
    if request.method == "POST" and form.is_valid():
        label = form.cleaned_data.get("label") if group else None
        if label is not None and find_identifying_details(label):
            form.add_error("label", _("The label must not identify anyone."))
        else:
            try:
                receipt = _save(request, form, label)
            except IntakeError as error:
                form.add_intake_errors(error)
            except photos.PhotoError as error:
                form.add_error("photo", str(error))
            else:
                return render(request, "console/declared.html", {"receipt": receipt})
    context = {"form": form, "title": title, "more": min(slots + 5, 50)}
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)
