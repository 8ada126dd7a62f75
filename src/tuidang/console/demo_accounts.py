"""Demo accounts, one per role, for `tuidang demo` only (never `serve`): each
run gives every account a fresh random password and prints it with the TOTP
secret in base32, so a newcomer can try every role at once with any
authenticator app (or `oathtool --totp -b SECRET`)."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from tuidang.console import accounts
from tuidang.console.models import Volunteer
from tuidang.console.roles import Role

LOGINS = {
    Role.OPERATOR: "demo-operator",
    Role.CALLER: "demo-caller",
    Role.CAMPAIGN_LEAD: "demo-lead",
    Role.MODERATOR: "demo-moderator",
    Role.ADMINISTRATOR: "demo-admin",
    Role.CUSTODIAN: "demo-custodian",
}


@dataclass(frozen=True)
class DemoAccount:
    login: str
    role: str
    password: str
    totp_secret: str


def create() -> list[DemoAccount]:
    made = []
    for role, login in LOGINS.items():
        user, _created = get_user_model().objects.get_or_create(username=login)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_active = True
        user.save()
        Volunteer.objects.update_or_create(
            user=user, defaults={"role": role, "failed_logins": 0, "locked_until": None}
        )
        device = accounts.totp_device(user)
        if device is None:
            device = accounts.new_totp_device(user)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        made.append(DemoAccount(login, role, password, accounts.base32_secret(device)))
    return made
