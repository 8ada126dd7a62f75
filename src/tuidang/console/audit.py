"""Writing the audit log: the one entry point is `record()`.

An event about a declaration (a `declaration_id` is given) becomes a
`DeclarationEvent`: the day only, a random id, a table of its own, so nothing
orders it against the timed account events (a hotline intake's time would be
the declarant's call time). Every other event is an `AuditEvent` with its time
(sign-in, lockout, roles, unsealing steps), which security needs."""

from django.utils import timezone

from tuidang.console.models import AuditEvent, DeclarationEvent


def record(actor, action: str, *, declaration_id: int | None = None, detail: str = "") -> None:
    actor = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    if declaration_id is not None:
        DeclarationEvent.objects.create(
            actor=actor,
            action=action,
            declaration_id=declaration_id,
            day=now.date(),
            detail=detail[:200],
        )
    else:
        AuditEvent.objects.create(actor=actor, action=action, at=now, detail=detail[:200])
