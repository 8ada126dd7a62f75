"""Receipt lookup. The code travels only in a POST body, so it never lands in a
URL, a browser's history or a proxy's log; the answer is never cached.

The page says first, in plain words, where the declaration stands (`state`):
received and waiting for review; accepted, counted and in the public log, or
coming with the next publication batch; withdrawn by the declarant; not
accepted; taken out of the count. Only then, behind a `<details>`, the proof
for experts: the log line, its index, the inclusion proof against the latest
checkpoint and the command that checks it from outside. It also offers the
withdrawal (views/withdraw.py)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuidang.public.forms import ReceiptLookupForm
from tuidang.public.views.check import log_url
from tuidang.registry import log_entries, receipts
from tuidang.registry.choices import RejectReason, RevokeReason, Status
from tuidang.registry.models import Declaration, LogEntry
from tuidang.transparency import published
from tuidang.transparency.keys import verifier_key_or_none

# The note `transitions.reject` gets when a declarant withdraws a declaration
# that was not yet accepted (never counted, never in the log).
WITHDRAWN_NOTE = "withdrawn by the declarant"


def find_declaration(form) -> tuple[Declaration | None, str]:
    """The declaration of a valid form's receipt code and the code, formatted;
    (None, "") after putting a clear error on the code field."""
    if not form.is_valid():
        return None, ""
    try:
        code = receipts.format_code(receipts.normalise(form.cleaned_data["code"]))
        digest = receipts.lookup_hash(code)
    except receipts.InvalidReceiptCode:
        form.add_error(
            "code", _("A receipt code has 16 letters and digits, e.g. 7GQ4-M2XD-0KTB-9ZRC.")
        )
        return None, ""
    declaration = Declaration.objects.filter(receipt_hash=digest).first()
    if declaration is None:
        form.add_error("code", _("No declaration has this receipt code. Check each character."))
        return None, ""
    return declaration, code


def withdrawal_of(declaration: Declaration) -> str | None:
    """How the declarant withdrew it: "counted_out" (after it was accepted),
    "before_review" (before), or None if they did not."""
    if declaration.status == Status.REVOKED and declaration.revoke_reason == RevokeReason.RETRACTED:
        return "counted_out"
    if (
        declaration.status == Status.REJECTED
        and declaration.reject_reason == RejectReason.OTHER
        and declaration.reject_note == WITHDRAWN_NOTE
    ):
        return "before_review"
    return None


def in_published_log(entry: LogEntry | None) -> bool:
    """Whether an entry is within the latest published checkpoint (an entry
    still queued has no `LogEntry` yet: it waits for its publication batch)."""
    return entry is not None and entry.index < published.tree_size()


def _proof(declaration: Declaration):
    if not in_published_log(log_entries.declare_entry_of(declaration)):
        return None
    return published.receipt_proof(declaration)


def state_of(declaration: Declaration, withdrawal: str | None, proof) -> str:
    """Where the declaration stands, for the sentence the page opens with."""
    if withdrawal is not None:
        return "withdrawn_" + withdrawal
    if declaration.status == Status.ACCEPTED:
        return "published" if proof is not None else "waiting_for_batch"
    return {Status.RECEIVED: "received", Status.REJECTED: "not_accepted"}.get(
        declaration.status, "revoked"
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    form = ReceiptLookupForm(request.POST or None)
    declaration, code = find_declaration(form) if request.method == "POST" else (None, "")
    accepted = declaration is not None and declaration.status == Status.ACCEPTED
    withdrawal = withdrawal_of(declaration) if declaration is not None else None
    revocation_published = (
        declaration is not None
        and declaration.status == Status.REVOKED
        and in_published_log(declaration.log_entries.filter(kind=log_entries.REVOKE).first())
    )
    proof = _proof(declaration) if accepted else None
    return render(
        request,
        "public/receipt.html",
        {
            "form": form,
            "declaration": declaration,
            "code": code,
            "accepted": accepted,
            "state": state_of(declaration, withdrawal, proof) if declaration else None,
            "proof": proof,
            "log_url": log_url(request) if proof else "",
            "verifier_key": verifier_key_or_none() if proof else None,
            "revocation_published": revocation_published,
            "can_withdraw": declaration is not None
            and declaration.status in (Status.ACCEPTED, Status.RECEIVED),
        },
        status=400 if form.errors else 200,
    )
