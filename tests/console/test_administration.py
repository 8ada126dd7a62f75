"""Administration: invitations, roles, disabling accounts, custodian recipients."""

import re
from pathlib import Path

import pyrage
import pytest
from django.conf import settings as django_settings

from tuidang.console.models import Volunteer
from tuidang.registry import sealing

from .personas import post, sign_in

pytestmark = pytest.mark.django_db


def test_an_administrator_invites_a_volunteer_with_a_one_time_link(personas):
    client = sign_in("ada")
    response = post(
        client,
        "/console/admin/volunteers/",
        {"username": "newcaller", "role": "caller", "language": "zh-hant"},
    )
    assert response.status_code == 200
    link = re.search(r"(http://testserver/console/join/[^<]+/)", response.content.decode()).group(1)
    volunteer = Volunteer.objects.get(user__username="newcaller")
    assert volunteer.role == "caller" and not volunteer.user.has_usable_password()
    assert link.rsplit("/", 2)[1] not in str(volunteer.user.invitation.token_hash)


def test_setting_a_role_takes_effect_and_ends_the_old_sessions(personas):
    olga = sign_in("olga")
    ada = sign_in("ada")
    target = personas["olga"].pk
    post(
        ada,
        f"/console/admin/volunteers/{target}/",
        {"action": "role", "role": "moderator"},
        form_url="/console/admin/volunteers/",
    )
    assert Volunteer.objects.get(pk=target).role == "moderator"
    assert olga.get("/console/hotline/")["Location"] == "/console/login/"
    assert sign_in("olga", drift=1).get("/console/hotline/").status_code == 403


def test_a_disabled_account_cannot_sign_in(personas):
    ada = sign_in("ada")
    post(
        ada,
        f"/console/admin/volunteers/{personas['carl'].pk}/",
        {"action": "disable"},
        form_url="/console/admin/volunteers/",
    )
    from .personas import PASSWORD, browser

    response = post(browser(), "/console/login/", {"username": "carl", "password": PASSWORD})
    assert response.status_code == 400


def test_recipients_are_written_after_validation_when_no_setting_fixes_them(personas, settings):
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = []
    key = str(pyrage.x25519.Identity.generate().to_public())
    ada = sign_in("ada")
    bad = post(ada, "/console/custodians/", {"recipients": "not-a-key"})
    assert bad.status_code == 400
    assert post(ada, "/console/custodians/", {"recipients": key}).status_code == 302
    assert sealing.recipient_strings() == [key]
    Path(django_settings.DATA_DIR, sealing.CUSTODIANS_FILE).unlink()


def test_a_custodian_sees_the_recipients_but_cannot_replace_them(personas, settings):
    settings.TUIDANG_CUSTODIAN_RECIPIENTS = []
    cora = sign_in("cora")
    assert cora.get("/console/custodians/").status_code == 200
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        cora.get("/console/account/").content.decode(),
    ).group(1)
    response = cora.post("/console/custodians/", {"csrfmiddlewaretoken": token, "recipients": "x"})
    assert response.status_code == 403
