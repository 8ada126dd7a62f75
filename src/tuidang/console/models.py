"""Console models.

- `Volunteer`: the console side of a Django user: role, language, the per-account
  login throttle (failed attempts, locked until; never an address) and a session
  generation that "log out everywhere" increments.
- `Invitation`: a one-time link to join (only its hash is stored).
- `AuditEvent`: who did what. Events about a declaration keep the **day only**
  (a hotline intake's time would be the declarant's call time); account events
  (login, lockout) keep a time.
- `Claim`: a moderator's claim on a declaration, valid for the UTC day it was made.
- `DuplicateLink`: which declaration a duplicate repeats.
- `VolunteerEntry`: a declaration entered by a volunteer, accepted at once and
  listed for review.
- `Original`: a stored original (fax image, email text, photo, hotline notes),
  encrypted to the custodians, deleted by `tuidang retention` after its channel's
  number of days.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

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
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=32)
    declaration = models.ForeignKey(
        Declaration, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField()
    # Only for events that do not concern a declaration (login, lockout, roles).
    at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(declaration__isnull=True) | models.Q(at__isnull=True),
                name="audit_declaration_events_have_no_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.action}"


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
    # Relative to DATA_DIR/originals/; empty once deleted.
    file_name = models.CharField(max_length=80, blank=True)
    day = models.DateField()
    delete_on = models.DateField()
    deleted_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["deleted_on", "delete_on"], name="original_due")]

    def __str__(self) -> str:
        return f"original {self.pk} ({self.channel})"
