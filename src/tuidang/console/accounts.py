"""Account rules: the per-account login throttle and lockout (no address is ever
stored: the counter and the lock live on the account), second-factor devices,
recovery codes, invitations and "log out everywhere"."""

import base64
import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuidang.console import audit
from tuidang.console.models import Invitation, Volunteer

MAX_FAILURES = 5
LOCKOUT = datetime.timedelta(minutes=15)
RECOVERY_CODES = 10
INVITATION_DAYS = 7
SESSION_SECONDS = 4 * 60 * 60
SESSION_GENERATION_KEY = "console_generation"


def volunteer_for(username: str) -> Volunteer | None:
    return (
        Volunteer.objects.select_related("user")
        .filter(user__username=username, user__is_active=True)
        .first()
    )


def register_failure(volunteer: Volunteer) -> None:
    """Count a failed password or code; lock the account after MAX_FAILURES."""
    with transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(failed_logins=F("failed_logins") + 1)
        volunteer.refresh_from_db(fields=["failed_logins"])
        if volunteer.failed_logins >= MAX_FAILURES:
            volunteer.locked_until = timezone.now() + LOCKOUT
            volunteer.failed_logins = 0
            volunteer.save(update_fields=["locked_until", "failed_logins"])
            audit.record(None, "account_locked", detail=volunteer.user.username)


def register_success(volunteer: Volunteer) -> None:
    volunteer.failed_logins = 0
    volunteer.locked_until = None
    volunteer.save(update_fields=["failed_logins", "locked_until"])


def totp_device(user, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def new_totp_device(user) -> TOTPDevice:
    """A fresh unconfirmed device (any earlier unconfirmed one is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="console", confirmed=False)


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def new_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes with RECOVERY_CODES fresh ones."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name="recovery", confirmed=True).first()


def _token_hash(token: str) -> str:
    return hashlib.sha256(b"tuidang invitation v1\n" + token.encode()).hexdigest()


def invite(username: str, role: str, language: str) -> str:
    """Create a disabled-until-joined account and return the one-time join token."""
    user = get_user_model().objects.create_user(username=username)
    user.set_unusable_password()
    user.save()
    Volunteer.objects.create(user=user, role=role, language=language)
    token = secrets.token_urlsafe(24)
    Invitation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    return token


def invitation_for(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("user")
        .filter(token_hash=_token_hash(token), expires_at__gt=timezone.now())
        .first()
    )


def log_out_everywhere(volunteer: Volunteer) -> None:
    Volunteer.objects.filter(pk=volunteer.pk).update(session_generation=F("session_generation") + 1)
