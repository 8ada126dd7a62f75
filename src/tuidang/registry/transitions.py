"""Status changes of a declaration: received → accepted | rejected, and accepted →
revoked. Each runs in one transaction with the tally change (and, once the log
exists, the log entry), so counters can never disagree with statuses.
Nothing is ever deleted."""

from django.db import transaction
from django.utils import timezone

from tuidang.registry import milestones, tally
from tuidang.registry.choices import RevokeReason, Status
from tuidang.registry.models import Declaration


class TransitionError(ValueError):
    """The declaration is not in a status that allows this change."""


def _locked(declaration_id: int) -> Declaration:
    return Declaration.objects.select_for_update().get(pk=declaration_id)


def accept_locked(declaration: Declaration) -> None:
    """Accept a declaration already locked inside the caller's transaction."""
    if declaration.status != Status.RECEIVED:
        raise TransitionError(
            f"Only a received declaration can be accepted, not {declaration.status}."
        )
    before = tally.total()
    declaration.status = Status.ACCEPTED
    declaration.save(update_fields=["status"])
    tally.count_in(declaration)
    milestones.record_crossings(before, before + declaration.persons, timezone.now().date())


@transaction.atomic
def accept(declaration_id: int) -> Declaration:
    declaration = _locked(declaration_id)
    accept_locked(declaration)
    return declaration


@transaction.atomic
def reject(declaration_id: int) -> Declaration:
    declaration = _locked(declaration_id)
    if declaration.status != Status.RECEIVED:
        raise TransitionError(
            f"Only a received declaration can be rejected, not {declaration.status}."
        )
    declaration.status = Status.REJECTED
    declaration.save(update_fields=["status"])
    return declaration


@transaction.atomic
def revoke(declaration_id: int, reason: str) -> Declaration:
    if reason not in RevokeReason.values:
        raise TransitionError(f"Unknown revocation reason {reason!r}.")
    declaration = _locked(declaration_id)
    if declaration.status != Status.ACCEPTED:
        raise TransitionError(
            f"Only an accepted declaration can be revoked, not {declaration.status}."
        )
    declaration.status = Status.REVOKED
    declaration.revoke_reason = reason
    declaration.save(update_fields=["status", "revoke_reason"])
    tally.count_out(declaration)
    return declaration
