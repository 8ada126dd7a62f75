"""The moderation queue for web and API declarations, and statements held by
the scrubber: filters, days waited, claims, accept, reject with a coded reason,
mark as duplicate, edit or withhold the public statement.

Declarations without a valid proof of work (`unproven`, see
tuidang/web/proof_of_work.py) are listed after all others and labelled; the
"unproven" view lists only them and can reject the rows it shows as a block.

The declaration page names its place (country, province) and each detail the
scrubber marked in the account's language (`FINDING_LABELS`, one per kind of
`registry.scrubber.PATTERNS`)."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tuidang.console import audit, claims
from tuidang.console.decorators import console_view
from tuidang.console.forms import DuplicateForm, RejectForm, StatementForm
from tuidang.console.models import Claim, DuplicateLink
from tuidang.console.roles import Permission
from tuidang.registry import places, transitions
from tuidang.registry.choices import Channel, RejectReason, StatementState, Status
from tuidang.registry.models import Declaration
from tuidang.registry.scrubber import find_identifying_details
from tuidang.web import flood

PAGE = 50
PUBLIC_CHANNELS = (Channel.WEB, Channel.API)
FILTERS = {
    "received": Q(status=Status.RECEIVED, channel__in=PUBLIC_CHANNELS),
    "flagged": Q(statement_state=StatementState.FLAGGED) & ~Q(status=Status.REJECTED),
    "unproven": Q(status=Status.RECEIVED, channel__in=PUBLIC_CHANNELS, unproven=True),
}
# What each kind of finding of the scrubber is, for the marks in a statement.
FINDING_LABELS = {
    "resident_id": gettext_lazy("Resident ID number"),
    "phone": gettext_lazy("Phone number"),
    "email": gettext_lazy("Email address"),
    "qq": gettext_lazy("QQ number"),
    "wechat": gettext_lazy("WeChat ID"),
    "address": gettext_lazy("Street address"),
}


@console_view(Permission.MODERATE)
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request):
    shown = request.GET.get("show") if request.GET.get("show") in FILTERS else "received"
    channel = request.GET.get("channel", "")
    block_form = RejectForm(request.POST or None, prefix="block")
    if request.method == "POST":
        if shown == "unproven" and block_form.is_valid():
            _reject_block(request, block_form.cleaned_data)
            return redirect(request.get_full_path())
        shown = "unproven"
    declarations = Declaration.objects.filter(FILTERS[shown])
    if channel in Channel.values:
        declarations = declarations.filter(channel=channel)
    # Unproven declarations (no valid proof of work) wait behind all the others.
    declarations = list(declarations.order_by("unproven", "day", "id")[:PAGE])
    today = timezone.now().date()
    held = dict(
        Claim.objects.filter(
            declaration_id__in=[d.pk for d in declarations], day__gte=today
        ).values_list("declaration_id", "moderator__username")
    )
    rows = [
        {"declaration": d, "waited": (today - d.day).days, "claimed_by": held.get(d.pk)}
        for d in declarations
    ]
    reasons = dict(
        Declaration.objects.filter(status=Status.REJECTED)
        .values_list("reject_reason")
        .annotate(n=Count("id"))
    )
    context = {
        "rows": rows,
        "shown": shown,
        "channel": channel,
        "channels": [(c, Channel(c).label) for c in PUBLIC_CHANNELS],
        "reason_counts": [(label, reasons.get(code, 0)) for code, label in RejectReason.choices],
        "flagged_count": Declaration.objects.filter(FILTERS["flagged"]).count(),
        "unproven_count": Declaration.objects.filter(FILTERS["unproven"]).count(),
        "block_form": block_form,
        "flood_alerts": [
            {
                "channel": Channel(alert.channel).label,
                "count": alert.count,
                "norm": round(alert.norm),
            }
            for alert in flood.alerts()
        ],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "console/queue.html", context, status=status)


def _reject_block(request, data) -> None:
    """Reject the unproven declarations the moderator was shown (their numbers
    come with the form), each audited; skips any that changed meanwhile or
    that another moderator holds."""
    numbers = [int(n) for n in request.POST.getlist("declaration") if n.isdigit()][:PAGE]
    for declaration in Declaration.objects.filter(FILTERS["unproven"], pk__in=numbers):
        holder = claims.holder(declaration.pk)
        if holder is not None and holder.pk != request.user.pk:
            continue
        try:
            transitions.reject(declaration.pk, data["reason"], data["note"])
        except transitions.TransitionError:
            continue
        claims.release(declaration.pk)
        audit.record(request.user, "reject", declaration_id=declaration.pk, detail="block")


def _segments(text: str):
    """The statement cut into (text, finding kind or None, the kind's label)
    for highlighting."""
    segments, position = [], 0
    for finding in find_identifying_details(text):
        if finding.start < position:
            continue
        segments.append((text[position : finding.start], None, ""))
        label = FINDING_LABELS.get(finding.kind, finding.kind)
        segments.append((text[finding.start : finding.end], finding.kind, label))
        position = finding.end
    segments.append((text[position:], None, ""))
    return [segment for segment in segments if segment[0]]


def _place(declaration) -> str:
    """Country, and province if any, named in the active language."""
    if not declaration.country:
        return ""
    country = places.country_name(declaration.country)
    if declaration.province:
        return f"{country} · {places.province_name(declaration.province)}"
    return country


@console_view(Permission.MODERATE)
@require_http_methods(["GET", "HEAD"])
def detail(request, declaration_id):
    declaration = get_object_or_404(Declaration, pk=declaration_id)
    return render(request, "console/declaration.html", _context(request, declaration))


def _context(request, declaration, **forms):
    holder = claims.holder(declaration.pk)
    return {
        "d": declaration,
        "people": list(declaration.people.all()),
        "waited": (timezone.now().date() - declaration.day).days,
        "place": _place(declaration),
        "segments": _segments(declaration.statement),
        "holder": holder,
        "mine": holder is not None and holder.pk == request.user.pk,
        "reject_form": forms.get("reject_form") or RejectForm(),
        "duplicate_form": forms.get("duplicate_form") or DuplicateForm(),
        "statement_form": forms.get("statement_form")
        or StatementForm(initial={"statement": declaration.statement}),
        "duplicate_of": DuplicateLink.objects.filter(duplicate=declaration).first(),
    }


def _refuse(request, declaration, message, status):
    context = {**_context(request, declaration), "error": message}
    return render(request, "console/declaration.html", context, status=status)


@console_view(Permission.MODERATE)
@require_POST
def act(request, declaration_id):
    declaration = get_object_or_404(Declaration, pk=declaration_id)
    action = request.POST.get("action", "")
    back = redirect("console:declaration", declaration_id=declaration.pk)
    if action == "claim":
        if claims.claim(declaration.pk, request.user):
            audit.record(request.user, "claim", declaration_id=declaration.pk)
            return back
        return _refuse(
            request, declaration, _("Another moderator has claimed this declaration."), 409
        )
    if not claims.holds(declaration.pk, request.user):
        return _refuse(request, declaration, _("Claim the declaration before acting on it."), 409)
    handler = ACTIONS.get(action)
    if handler is None:
        return _refuse(request, declaration, _("Unknown action."), 400)
    try:
        problem = handler(request, declaration)
    except transitions.TransitionError:
        declaration.refresh_from_db()
        return _refuse(
            request,
            declaration,
            _("This declaration is no longer in a state that allows that."),
            409,
        )
    if problem is not None:
        return render(request, "console/declaration.html", problem, status=400)
    audit.record(request.user, action, declaration_id=declaration.pk)
    return back


def _accept(request, declaration):
    accepted = transitions.accept(declaration.pk)
    # A held statement still needs this moderator's edit: keep the claim then.
    if accepted.statement_state != StatementState.FLAGGED:
        claims.release(declaration.pk)


def _reject(request, declaration):
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _context(request, declaration, reject_form=form)
    transitions.reject(declaration.pk, form.cleaned_data["reason"], form.cleaned_data["note"])
    claims.release(declaration.pk)
    return None


def _duplicate(request, declaration):
    form = DuplicateForm(request.POST)
    if form.is_valid():
        original = Declaration.objects.filter(pk=form.cleaned_data["original"]).first()
        if original is None or original.pk == declaration.pk:
            form.add_error("original", _("Give the number of another declaration."))
    if not form.is_valid():
        return _context(request, declaration, duplicate_form=form)
    if declaration.status == Status.RECEIVED:
        transitions.reject(
            declaration.pk, RejectReason.DUPLICATE, note=f"duplicate of #{original.pk}"
        )
    else:
        transitions.revoke(declaration.pk, "duplicate")
    DuplicateLink.objects.create(
        duplicate=declaration, original=original, day=timezone.now().date()
    )
    claims.release(declaration.pk)
    return None


def _edit(request, declaration):
    form = StatementForm(request.POST)
    if not form.is_valid():
        return _context(request, declaration, statement_form=form)
    transitions.edit_statement(declaration.pk, form.cleaned_data["statement"])
    return None


def _withhold(request, declaration):
    transitions.withhold_statement(declaration.pk)


def _release(request, declaration):
    claims.release(declaration.pk)


ACTIONS = {
    "accept": _accept,
    "reject": _reject,
    "duplicate": _duplicate,
    "edit": _edit,
    "withhold": _withhold,
    "release": _release,
}
