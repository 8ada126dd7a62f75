"""Claims: a moderator claims a declaration before acting on it, so two never
work on the same one. A claim holds for the UTC day it was made (claims keep a
day, never a time); a stale claim can be taken over."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuidang.console.models import Claim


def holder(declaration_id: int):
    claim = Claim.objects.filter(declaration_id=declaration_id).select_related("moderator").first()
    if claim is None or claim.day < timezone.now().date():
        return None
    return claim.moderator


def claim(declaration_id: int, moderator) -> bool:
    """True if `moderator` now holds the claim."""
    today = timezone.now().date()
    try:
        with transaction.atomic():
            current = (
                Claim.objects.select_for_update().filter(declaration_id=declaration_id).first()
            )
            if current is None:
                Claim.objects.create(declaration_id=declaration_id, moderator=moderator, day=today)
                return True
            if current.moderator_id != moderator.pk and current.day >= today:
                return False
            current.moderator = moderator
            current.day = today
            current.save(update_fields=["moderator", "day"])
            return True
    except IntegrityError:
        return False


def holds(declaration_id: int, moderator) -> bool:
    current = holder(declaration_id)
    return current is not None and current.pk == moderator.pk


def release(declaration_id: int) -> None:
    Claim.objects.filter(declaration_id=declaration_id).delete()
