"""The console's personas, each with one role and what that role may do:

- Olga, hotline operator: hotline, outbound calls, proxies, groups, transcription.
- Carl, caller: outbound calls, proxies, groups; no transcription.
- Lena, campaign lead: runs call campaigns (targets, scripts, statistics) and calls.
- Mona, moderator: the moderation queue and review of volunteer entries.
- Ada, administrator: volunteers, roles, custodian recipients, audit log.
- Cora, custodian: sees recipients and retention, reads the audit log.
- Vera, a second moderator (for claims).
An anonymous visitor may only reach the sign-in steps.

`sign_in()` goes through the real login: password, then a TOTP code computed
from the persona's device key, with CSRF checks on."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuidang.console.models import Volunteer
from tuidang.console.roles import Role

PASSWORD = "correct horse battery staple"
PERSONAS = {
    "olga": Role.OPERATOR,
    "carl": Role.CALLER,
    "lena": Role.CAMPAIGN_LEAD,
    "mona": Role.MODERATOR,
    "ada": Role.ADMINISTRATOR,
    "cora": Role.CUSTODIAN,
    "vera": Role.MODERATOR,
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def make_persona(name: str, language: str = "en", role: str | None = None) -> Volunteer:
    """A persona of PERSONAS, or another account of the given role."""
    user = get_user_model().objects.create_user(username=name, password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="console", confirmed=True)
    return Volunteer.objects.create(user=user, role=role or PERSONAS[name], language=language)


def code_for(user, drift: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    number = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{number:0{device.digits}d}"


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_token(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return TOKEN.search(page).group(1)


def post(client: Client, url: str, data: dict, *, form_url: str | None = None, **extra):
    """POST like a browser: take the CSRF token from the page holding the form."""
    token = csrf_token(client, form_url or url)
    return client.post(url, {"csrfmiddlewaretoken": token, **data}, **extra)


def sign_in(name: str, drift: int = 0) -> Client:
    client = browser()
    volunteer = Volunteer.objects.get(user__username=name)
    response = post(client, "/console/login/", {"username": name, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    response = post(client, "/console/login/code/", {"code": code_for(volunteer.user, drift)})
    assert response["Location"] == "/console/", response.content.decode()
    return client
