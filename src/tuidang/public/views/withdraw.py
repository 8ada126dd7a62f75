"""Withdrawal of a declaration by its declarant, with the receipt code.

Two POSTs, never a GET: the first (from the receipt page, or from the form this
view shows on a GET) names the code and gets a confirmation page that says
plainly what will happen; the second carries the code again in a hidden field
of that page's form, the button value `action=withdraw` and the ticked box
`confirm`, and only then changes anything. The code is never read from a URL.

- An accepted declaration is revoked with the reason "retracted": counted out,
  and a revoke entry joins the public log with the next publication batch.
- A received one (not yet reviewed, never counted, never in the log) is
  rejected with the note `WITHDRAWN_NOTE`, so it never will be.
- Rejected, revoked or already withdrawn: a clear message, nothing changes.

Every answer is `no-store` and, being under receipt/, noindex and disallowed in
robots.txt; the page after a withdrawal also answers `Clear-Site-Data`, like
the receipt page's exit. The rate limit counts these POSTs with the lookups."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuidang.public.forms import WithdrawForm
from tuidang.public.views.leave import CLEAR_SITE_DATA
from tuidang.public.views.receipt import WITHDRAWN_NOTE, find_declaration, withdrawal_of
from tuidang.registry import transitions
from tuidang.registry.choices import RejectReason, RevokeReason, Status
from tuidang.registry.models import Declaration

CONFIRM_ACTION = "withdraw"
WITHDRAWABLE = (Status.ACCEPTED, Status.RECEIVED)


def refusal(declaration: Declaration) -> str | None:
    """Why this declaration cannot be withdrawn, or None if it can."""
    if withdrawal_of(declaration) is not None:
        return _("This declaration was already withdrawn. Nothing was changed.")
    if declaration.status == Status.REVOKED:
        return _(
            "This declaration was revoked by the centre and is no longer counted: "
            "there is nothing to withdraw. Nothing was changed."
        )
    if declaration.status == Status.REJECTED:
        return _(
            "This declaration was not accepted and is not counted: "
            "there is nothing to withdraw. Nothing was changed."
        )
    return None


def _page(request, form, *, declaration=None, code="", status=200):
    """The code form (no declaration) or the confirmation page (a declaration)."""
    return render(
        request,
        "public/withdraw.html",
        {
            "form": form,
            "declaration": declaration,
            "code": code,
            "counted": declaration is not None and declaration.status == Status.ACCEPTED,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request):
    if request.method != "POST":
        return _page(request, WithdrawForm())  # a query string is never read
    form = WithdrawForm(request.POST)
    declaration, code = find_declaration(form)
    if declaration is None:
        return _page(request, form, status=400)
    if reason := refusal(declaration):
        form.add_error("code", reason)
        return _page(request, form, status=400)
    if request.POST.get("action") != CONFIRM_ACTION:
        return _page(request, form, declaration=declaration, code=code)
    if request.POST.get("seen") != declaration.status:
        # Reviewed since the confirmation page was shown: what happens differs.
        form.add_error(
            None,
            _("This declaration was reviewed in the meantime. Read the page again and confirm."),
        )
        return _page(request, form, declaration=declaration, code=code, status=400)
    if not form.cleaned_data["confirm"]:
        form.add_error("confirm", _("Tick the box to confirm. Nothing was changed."))
        return _page(request, form, declaration=declaration, code=code, status=400)
    try:
        if declaration.status == Status.ACCEPTED:
            transitions.revoke(declaration.pk, RevokeReason.RETRACTED)
        else:
            transitions.reject(declaration.pk, RejectReason.OTHER, note=WITHDRAWN_NOTE)
    except transitions.TransitionError:
        # Its status changed between the read above and the locked write.
        declaration.refresh_from_db()
        form.add_error(
            "code",
            refusal(declaration)
            or _("This declaration was reviewed in the meantime. Nothing was changed."),
        )
        return _page(request, form, status=400)
    response = render(
        request, "public/withdrawn.html", {"counted": declaration.status == Status.ACCEPTED}
    )
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
