"""Signing in with both factors, recovery codes, lockout per account, sessions."""

import pytest
from django.utils import timezone

from tuidang.console import accounts
from tuidang.console.models import AuditEvent, Volunteer

from .personas import PASSWORD, browser, code_for, post, sign_in

pytestmark = pytest.mark.django_db


def test_a_volunteer_signs_in_with_password_and_totp_code(personas):
    client = sign_in("olga")
    assert client.get("/console/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor__username="olga").exists()


def test_a_password_alone_does_not_open_the_console(personas):
    client = browser()
    post(client, "/console/login/", {"username": "olga", "password": PASSWORD})
    assert client.get("/console/hotline/")["Location"] == "/console/login/"


def test_a_wrong_code_is_refused(personas):
    client = browser()
    post(client, "/console/login/", {"username": "olga", "password": PASSWORD})
    response = post(client, "/console/login/code/", {"code": "000000"})
    assert response.status_code == 400
    assert client.get("/console/")["Location"] == "/console/login/"


def test_a_recovery_code_works_once(personas):
    codes = accounts.new_recovery_codes(personas["olga"].user)
    for expected in (302, 400):
        client = browser()
        post(client, "/console/login/", {"username": "olga", "password": PASSWORD})
        response = post(client, "/console/login/code/", {"code": codes[0]})
        assert response.status_code == expected


def test_five_wrong_passwords_lock_the_account_and_store_no_address(personas):
    client = browser()
    for _ in range(accounts.MAX_FAILURES):
        post(client, "/console/login/", {"username": "olga", "password": "wrong"})
    volunteer = Volunteer.objects.get(user__username="olga")
    assert volunteer.locked_until > timezone.now()
    response = post(client, "/console/login/", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 400
    assert "锁定" in response.content.decode()  # sign-in pages speak the default language
    event = AuditEvent.objects.get(action="account_locked")
    assert "192.0.2" not in event.detail and "127.0.0.1" not in event.detail


def test_a_locked_account_cannot_use_a_right_code_either(personas):
    client = browser()
    post(client, "/console/login/", {"username": "olga", "password": PASSWORD})
    Volunteer.objects.filter(user__username="olga").update(
        locked_until=timezone.now() + accounts.LOCKOUT
    )
    response = post(client, "/console/login/code/", {"code": code_for(personas["olga"].user)})
    assert response.status_code == 400
    assert client.get("/console/")["Location"] == "/console/login/"


def test_an_unknown_login_gets_the_same_answer_as_a_wrong_password(personas):
    unknown = post(browser(), "/console/login/", {"username": "nobody", "password": "x"})
    wrong = post(browser(), "/console/login/", {"username": "olga", "password": "x"})
    assert unknown.status_code == wrong.status_code == 400
    assert "登录名或密码错误。" in unknown.content.decode()
    assert unknown.content.decode().count("登录名或密码错误。") == 1
    assert wrong.content.decode().count("登录名或密码错误。") == 1


def test_log_out_everywhere_ends_every_session_of_the_account(personas):
    first = sign_in("olga")
    second = sign_in("olga", drift=1)
    post(second, "/console/account/log-out-everywhere/", {}, form_url="/console/account/")
    assert first.get("/console/")["Location"] == "/console/login/"
    assert second.get("/console/")["Location"] == "/console/login/"


def test_a_disabled_account_loses_its_session(personas):
    client = sign_in("olga")
    user = personas["olga"].user
    user.is_active = False
    user.save()
    assert client.get("/console/")["Location"] == "/console/login/"


def test_the_session_expires_after_the_console_limit(personas):
    client = sign_in("olga")
    assert client.session.get_expiry_age() == accounts.SESSION_SECONDS


def test_console_pages_are_never_cached(personas):
    response = sign_in("olga").get("/console/hotline/")
    assert "no-store" in response["Cache-Control"]


def test_the_login_post_needs_the_csrf_token(personas):
    response = browser().post("/console/login/", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 403
