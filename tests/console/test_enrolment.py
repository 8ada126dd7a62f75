"""Joining from an invitation and enrolling the second factor with a QR code."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuidang.console import accounts
from tuidang.console.roles import Role

from .personas import browser, post

pytestmark = pytest.mark.django_db


def _code(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=drift):06d}"


def test_an_invited_volunteer_sets_a_password_enrols_and_gets_recovery_codes():
    token = accounts.invite("newbie", Role.OPERATOR, "zh-hans")
    client = browser()
    password = "a long enough password"
    response = post(
        client, f"/console/join/{token}/", {"password": password, "password_again": password}
    )
    assert response["Location"] == "/console/login/enrol/"
    page = client.get("/console/login/enrol/").content.decode()
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user__username="newbie", confirmed=False)
    assert secret == accounts.base32_secret(device)
    token_field = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        "/console/login/enrol/", {"csrfmiddlewaretoken": token_field, "code": _code(device)}
    )
    assert response.status_code == 200
    assert StaticToken.objects.filter(device__user__username="newbie").count() == 10
    assert client.get("/console/hotline/").status_code == 200
    # The invitation is used up.
    assert browser().get(f"/console/join/{token}/").status_code == 404


def test_the_enrolment_page_is_unreachable_without_a_password_first():
    assert browser().get("/console/login/enrol/")["Location"] == "/console/login/"


def test_an_account_with_a_device_cannot_enrol_another(personas):
    client = browser()
    post(
        client, "/console/login/", {"username": "olga", "password": "correct horse battery staple"}
    )
    assert client.get("/console/login/enrol/")["Location"] == "/console/login/code/"
