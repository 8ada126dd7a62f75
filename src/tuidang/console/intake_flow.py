"""What every console intake screen does on submit: parse the form, call the one
intake path (`registry.intake.declare`, accepted at once: volunteers are
trusted), list the declaration for review, keep the original (encrypted, until
its retention day) and write the audit event (day only). All of it in one
transaction.

Campaign calls reuse it: `initial` pre-fills the form from the target,
`on_saved(receipt)` runs inside the same transaction (it records the call's
outcome), and `practice=True` checks the form as the registry would and
records nothing at all."""

from django.db import transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.console import audit, originals, photos
from tuidang.console.intake_forms import slot_count
from tuidang.console.models import VolunteerEntry
from tuidang.registry.intake import IntakeError, check, declare
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


def save_declaration(
    user, make_input, *, channel: str, kept=(), group_label: str | None = None, on_saved=None
):
    """Declare `make_input(group_id)` (accepted), list it for review, keep its
    originals and write its audit event, in one transaction; the receipt."""
    with transaction.atomic():
        group_id = None
        if group_label is not None:
            group_id = Group.objects.create(label=group_label, day=timezone.now().date()).pk
        receipt = declare(make_input(group_id), accept=True)
        if receipt.replayed:
            return receipt
        VolunteerEntry.objects.create(
            declaration_id=receipt.declaration_id, entered_by=user, day=timezone.now().date()
        )
        audit.record(user, "intake", declaration_id=receipt.declaration_id, detail=channel)
        for kind, content in kept:
            originals.store(
                content, channel=channel, kind=kind, declaration_id=receipt.declaration_id
            )
        if on_saved is not None:
            on_saved(receipt)
    return receipt


def _save(request, form, group_label: str | None, on_saved=None):
    return save_declaration(
        request.user,
        lambda group_id: form.to_input(group_id=group_id),
        channel=form.cleaned_data["channel"],
        kept=_originals_of(form),
        group_label=group_label,
        on_saved=on_saved,
    )


def _practise(form, group_label: str | None) -> dict:
    """What practice mode shows instead of saving: the registry's verdict only."""
    data = form.to_input()
    check(data)
    persons = len(data.people) + data.unnamed_persons
    return {"practice": True, "persons": persons, "group_label": group_label}


def run(
    request,
    *,
    form_class,
    channels,
    template,
    title,
    group=False,
    default_slots=3,
    initial=None,
    on_saved=None,
    practice=False,
    context=None,
):
    source = request.POST if request.method == "POST" else request.GET
    slots = slot_count(source.get("slots") or source.get("people"), default_slots)
    form = form_class(
        request.POST or None,
        request.FILES or None,
        channels=channels,
        slots=slots,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        label = form.cleaned_data.get("label") if group else None
        if label is not None and find_identifying_details(label):
            form.add_error("label", _("The label must not identify anyone."))
        else:
            try:
                if practice:
                    shown = _practise(form, label)
                    return render(request, "console/practised.html", {**(context or {}), **shown})
                receipt = _save(request, form, label, on_saved)
            except IntakeError as error:
                form.add_intake_errors(error)
            except photos.PhotoError as error:
                form.add_error("photo", str(error))
            else:
                return render(
                    request, "console/declared.html", {**(context or {}), "receipt": receipt}
                )
    context = {**(context or {}), "form": form, "title": title, "more": min(slots + 5, 50)}
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)
