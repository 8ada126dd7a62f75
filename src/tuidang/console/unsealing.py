"""Two-person unsealing: the steps and their rules, shared by the console and
`tuidang export sealed --request N` (docs/custodians.md).

1. A custodian **requests** an export, naming its scope — up to
   `MAX_LISTED` declarations, or everything (a key rotation) — and a reason.
2. A custodian **other than the requester** approves it; everything needs two
   such approvals. Any other custodian may instead **refuse** it; the requester
   may **cancel** it. Both end the request.
3. Once approved, `claim_for_export` hands the request to the export exactly
   once: a conditional update from approved to exported, so two exports of the
   same request cannot both pass.

Every step is an account event of the audit log (with its time: it dates the
custodians' work, not a declarant's call), naming the requester and approvers.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuidang.console import audit
from tuidang.console.models import UnsealApproval, UnsealRequest, Volunteer
from tuidang.console.roles import Role
from tuidang.registry.models import Declaration

MAX_LISTED = 100
State = UnsealRequest.State
Scope = UnsealRequest.Scope


class UnsealError(Exception):
    """A step that the rules refuse; the message says why (translated in the console)."""


def _is_custodian(user) -> bool:
    return (
        user is not None
        and user.is_active
        and Volunteer.objects.filter(user=user, role=Role.CUSTODIAN).exists()
    )


def _scope_text(request: UnsealRequest) -> str:
    if request.scope == Scope.EVERYTHING:
        return "everything"
    ids = request.declaration_ids
    listed = " ".join(f"#{n}" for n in ids[:10])
    return f"{len(ids)} declaration(s) {listed}{' …' if len(ids) > 10 else ''}"


def summary(request: UnsealRequest) -> str:
    """The audit detail of a request: number, requester, scope."""
    return f"request {request.pk} by {request.requested_by.username}: {_scope_text(request)}"


def request_export(user, scope: str, declaration_ids: list[int], reason: str) -> UnsealRequest:
    if not _is_custodian(user):
        raise UnsealError(_("Only a custodian may request an export."))
    reason = reason.strip()
    if not reason:
        raise UnsealError(_("Give the reason for the export."))
    if scope == Scope.EVERYTHING:
        declarations = ""
    elif scope == Scope.DECLARATIONS:
        ids = sorted(set(declaration_ids))
        if not ids:
            raise UnsealError(_("Name at least one declaration."))
        if len(ids) > MAX_LISTED:
            raise UnsealError(
                _("At most %(n)d declarations; ask for everything instead.") % {"n": MAX_LISTED}
            )
        known = set(Declaration.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [n for n in ids if n not in known]
        if missing:
            raise UnsealError(
                _("No such declaration: %(ids)s") % {"ids": " ".join(f"#{n}" for n in missing)}
            )
        declarations = " ".join(str(n) for n in ids)
    else:
        raise UnsealError(_("Unknown scope."))
    with transaction.atomic():
        request = UnsealRequest.objects.create(
            requested_by=user,
            scope=scope,
            declarations=declarations,
            reason=reason[:1000],
            requested_at=timezone.now(),
        )
        audit.record(user, "unseal_requested", detail=summary(request))
    return request


def _locked(request_id: int) -> UnsealRequest:
    try:
        return (
            UnsealRequest.objects.select_for_update()
            .select_related("requested_by")
            .get(pk=request_id)
        )
    except UnsealRequest.DoesNotExist:
        raise UnsealError(_("There is no request %(n)s.") % {"n": request_id}) from None


def approve(user, request_id: int) -> UnsealRequest:
    with transaction.atomic():
        request = _locked(request_id)
        if not _is_custodian(user):
            raise UnsealError(_("Only a custodian may approve an export."))
        if user.pk == request.requested_by_id:
            raise UnsealError(_("The requester cannot approve their own request."))
        if request.state != State.PENDING:
            raise UnsealError(_("This request is no longer waiting for approval."))
        if request.approvals.filter(custodian=user).exists():
            raise UnsealError(_("You have approved this request already."))
        UnsealApproval.objects.create(request=request, custodian=user, at=timezone.now())
        count = request.approvals.exclude(custodian_id=request.requested_by_id).count()
        if count >= request.approvals_needed:
            request.state = State.APPROVED
            request.save(update_fields=["state"])
        audit.record(
            user,
            "unseal_approved",
            detail=f"{summary(request)} ({count} of {request.approvals_needed})",
        )
    return request


def _close(user, request_id: int, state: str, action: str) -> UnsealRequest:
    with transaction.atomic():
        request = _locked(request_id)
        if not _is_custodian(user):
            raise UnsealError(_("Only a custodian may do this."))
        is_requester = user.pk == request.requested_by_id
        if state == State.CANCELLED and not is_requester:
            raise UnsealError(_("Only the requester may cancel; other custodians refuse."))
        if state == State.REFUSED and is_requester:
            raise UnsealError(_("Cancel your own request instead."))
        if request.state not in (State.PENDING, State.APPROVED):
            raise UnsealError(_("This request is closed already."))
        request.state = state
        request.closed_by = user
        request.closed_at = timezone.now()
        request.save(update_fields=["state", "closed_by", "closed_at"])
        audit.record(user, action, detail=summary(request))
    return request


def refuse(user, request_id: int) -> UnsealRequest:
    return _close(user, request_id, State.REFUSED, "unseal_refused")


def cancel(user, request_id: int) -> UnsealRequest:
    return _close(user, request_id, State.CANCELLED, "unseal_cancelled")


def approvers(request: UnsealRequest) -> list[str]:
    return [
        a.custodian.username
        for a in request.approvals.select_related("custodian").exclude(
            custodian_id=request.requested_by_id
        )
    ]


def claim_for_export(request_id: int) -> UnsealRequest:
    """Mark an approved request exported and audit it; refuse anything else.
    The caller writes the export only after this returned."""
    with transaction.atomic():
        request = _locked(request_id)
        names = approvers(request)
        if request.state == State.EXPORTED:
            raise UnsealError(
                _("Request %(n)s was exported already; make a new request.") % {"n": request_id}
            )
        if request.state != State.APPROVED or len(names) < request.approvals_needed:
            raise UnsealError(
                _("Request %(n)s is not approved (%(state)s): nothing exported.")
                % {"n": request_id, "state": request.get_state_display()}
            )
        now = timezone.now()
        claimed = UnsealRequest.objects.filter(pk=request.pk, state=State.APPROVED).update(
            state=State.EXPORTED, exported_at=now
        )
        if claimed != 1:
            raise UnsealError(_("Request %(n)s was exported already.") % {"n": request_id})
        request.state, request.exported_at = State.EXPORTED, now
        audit.record(
            None, "unseal_exported", detail=f"{summary(request)}, approved by {', '.join(names)}"
        )
    return request


def export_failed(request: UnsealRequest, error: str) -> None:
    audit.record(None, "unseal_export_failed", detail=f"request {request.pk}: {error}")
