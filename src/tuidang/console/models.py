"""Console models.

- `Volunteer`: the console side of a Django user: role, language, the per-account
  login throttle (failed attempts, locked until; never an address) and a session
  generation that "log out everywhere" increments.
- `Invitation`: a one-time link to join (only its hash is stored).
- `AuditEvent`: account events (sign-in, lockout, roles, unsealing steps), with
  their time, which security needs. Nothing about a declaration goes here.
- `DeclarationEvent`: who did what to a declaration, with the **day only** (a
  hotline intake's time would be the declarant's call time). A table of its own
  with random ids, so no id orders it against the timed account events, or
  against other declaration events of its day (PostgreSQL's `xmin` still does:
  see docs/roles.md).
- `UnsealRequest`, `UnsealApproval`: two-person unsealing. A custodian asks for
  the sealed values of some declarations or of everything, with a reason;
  another custodian approves (two others for everything); `tuidang export sealed
  --request N` then writes exactly that scope, once (docs/custodians.md).
- `Claim`: a moderator's claim on a declaration, valid for the UTC day it was made.
- `DuplicateLink`: which declaration a duplicate repeats.
- `VolunteerEntry`: a declaration entered by a volunteer, accepted at once and
  listed for review.
- `Original`: a stored original (fax image, email text, photo, hotline notes),
  encrypted to the custodians and kept in its row (no file on disk), deleted by
  `tuidang retention` after its channel's number of days.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuidang.console.roles import Role
from tuidang.registry.models import Declaration


class Volunteer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="zh-hans")
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    session_generation = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.role})"

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Invitation(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation"
    )
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"invitation for {self.user.username}"


class AuditEvent(models.Model):
    """An account event with its time. Events about a declaration are
    `DeclarationEvent`s (audit.record chooses)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=32)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


def random_id() -> int:
    """A random positive 62-bit id (a first collision is expected after some
    two billion rows; it would make that one write fail, never mix rows)."""
    return secrets.randbits(62) + 1


class RandomIdField(models.BigIntegerField):
    """A 64-bit integer key given by `random_id`, never by a sequence. On SQLite
    the column is declared `integer` so that it *is* the rowid: a `bigint` key
    would leave a hidden rowid counting up in insertion order."""

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)


class DeclarationEvent(models.Model):
    """An action on a declaration, by day only. The id is random (never a
    sequence), and the listing order within a day is by action and declaration,
    so nothing orders an intake against a sign-in or against the day's other
    events."""

    id = RandomIdField(primary_key=True, default=random_id, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-day", "action", "declaration_id", "id"]
        indexes = [models.Index(fields=["day"], name="declaration_event_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.action} #{self.declaration_id}"


class Claim(models.Model):
    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, related_name="+")
    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()

    def __str__(self) -> str:
        return f"claim on {self.declaration_id}"


class DuplicateLink(models.Model):
    duplicate = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="+")
    original = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    def __str__(self) -> str:
        return f"{self.duplicate_id} duplicates {self.original_id}"


class VolunteerEntry(models.Model):
    declaration = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    reviewed = models.BooleanField(default=False)

    class Meta:
        ordering = ["reviewed", "-id"]

    def __str__(self) -> str:
        return f"entry {self.declaration_id}"


class Original(models.Model):
    declaration = models.ForeignKey(
        Declaration, null=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=16)  # image, text
    # A standard age file sealed to the custodians (`age -d` opens it), kept in
    # the row rather than on disk, where a file's times would give the second of
    # the intake; null once deleted (console/originals.py).
    sealed_content = models.BinaryField(null=True, editable=False)
    day = models.DateField()
    delete_on = models.DateField()
    deleted_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["deleted_on", "delete_on"], name="original_due")]

    def __str__(self) -> str:
        return f"original {self.pk} ({self.channel})"


class UnsealRequest(models.Model):
    """A custodian's request to export sealed values: of listed declarations, or
    of everything (a key rotation). Approved by other custodians, exported once."""

    class Scope(models.TextChoices):
        DECLARATIONS = "declarations", _("Listed declarations")
        EVERYTHING = "everything", _("Everything (key rotation)")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not exported yet")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")
        EXPORTED = "exported", _("Exported")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=16, choices=Scope.choices)
    # Space-separated declaration ids, ascending; empty for everything.
    declarations = models.TextField(blank=True)
    reason = models.TextField(max_length=1000)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="everything", declarations="")
                | (models.Q(scope="declarations") & ~models.Q(declarations="")),
                name="unseal_scope_matches_its_list",
            )
        ]

    def __str__(self) -> str:
        return f"unseal request {self.pk} ({self.scope})"

    @property
    def declaration_ids(self) -> list[int]:
        return [int(part) for part in self.declarations.split()]

    @property
    def approvals_needed(self) -> int:
        return 2 if self.scope == self.Scope.EVERYTHING else 1


class UnsealApproval(models.Model):
    request = models.ForeignKey(UnsealRequest, on_delete=models.PROTECT, related_name="approvals")
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "custodian"], name="one_approval_each")
        ]

    def __str__(self) -> str:
        return f"approval of {self.request_id} by {self.custodian_id}"
