"""Unsealing requests (custodians only): make a request, see every request and
its approvals, approve, refuse or cancel one. The export itself is made on the
server with `tuidang export sealed --request N`, once, after the approvals
(console/unsealing.py has the rules; docs/custodians.md the procedure)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tuidang.console import unsealing
from tuidang.console.decorators import console_view
from tuidang.console.forms import UnsealRequestForm
from tuidang.console.models import UnsealRequest
from tuidang.console.roles import Permission

LISTED = 50


@console_view(Permission.UNSEAL)
@require_http_methods(["GET", "HEAD", "POST"])
def requests_page(request):
    form = UnsealRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = unsealing.request_export(
                request.user, data["scope"], data["declarations"], data["reason"]
            )
        except unsealing.UnsealError as error:
            form.add_error(None, str(error))
        else:
            return redirect("console:unseal_request", made.pk)
    listing = UnsealRequest.objects.select_related("requested_by").prefetch_related(
        "approvals__custodian"
    )[:LISTED]
    context = {"form": form, "requests": listing}
    return render(request, "console/unsealing.html", context, status=400 if form.errors else 200)


@console_view(Permission.UNSEAL)
@require_http_methods(["GET", "HEAD", "POST"])
def request_page(request, request_id):
    unseal = get_object_or_404(
        UnsealRequest.objects.select_related("requested_by", "closed_by"), pk=request_id
    )
    error = None
    if request.method == "POST":
        steps = {
            "approve": unsealing.approve,
            "refuse": unsealing.refuse,
            "cancel": unsealing.cancel,
        }
        step = steps.get(request.POST.get("action", ""))
        if step is None:
            error = _("Unknown action.")
        else:
            try:
                step(request.user, unseal.pk)
            except unsealing.UnsealError as refused:
                error = str(refused)
            else:
                return redirect("console:unseal_request", unseal.pk)
        unseal.refresh_from_db()
    approvals = list(unseal.approvals.select_related("custodian"))
    is_requester = unseal.requested_by_id == request.user.pk
    open_states = (UnsealRequest.State.PENDING, UnsealRequest.State.APPROVED)
    context = {
        "unseal": unseal,
        "approvals": approvals,
        "error": error,
        "may_approve": unseal.state == UnsealRequest.State.PENDING
        and not is_requester
        and all(a.custodian_id != request.user.pk for a in approvals),
        "may_refuse": unseal.state in open_states and not is_requester,
        "may_cancel": unseal.state in open_states and is_requester,
    }
    return render(request, "console/unseal_request.html", context, status=400 if error else 200)
