"""Writing the audit log. Events about a declaration get the day only; account
events get a time as well (see models.AuditEvent)."""

from django.utils import timezone

from tuidang.console.models import AuditEvent


def record(actor, action: str, *, declaration_id: int | None = None, detail: str = "") -> None:
    now = timezone.now()
    AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        declaration_id=declaration_id,
        day=now.date(),
        at=None if declaration_id is not None else now,
        detail=detail[:200],
    )
