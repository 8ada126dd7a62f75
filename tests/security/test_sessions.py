"""Console sessions: a session key planted before login is worthless after it
(the key changes at the password step and again when both factors are in),
and no parameter turns the login into an open redirect. The role matrix itself
is proved by tests/console/test_role_matrix.py and
tests/console/test_every_view_is_guarded.py."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from tests.console.personas import PASSWORD, browser, code_for, make_persona, post
from tuidang.console.models import Volunteer

pytestmark = pytest.mark.django_db

HOSTILE_TARGETS = (
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
)


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_session_key_planted_before_login_is_replaced_at_each_step():
    make_persona("olga")
    client = browser()
    client.get("/console/login/")
    client.session.save()  # what an attacker would have planted in the victim's browser
    client.cookies[settings.SESSION_COOKIE_NAME] = planted = client.session.session_key
    assert (
        post(client, "/console/login/", {"username": "olga", "password": PASSWORD}).status_code
        == 302
    )
    after_password = session_key(client)
    assert after_password != planted
    user = Volunteer.objects.get(user__username="olga").user
    assert post(client, "/console/login/code/", {"code": code_for(user)})["Location"] == "/console/"
    signed_in = session_key(client)
    assert signed_in not in (planted, after_password)
    assert not Session.objects.filter(session_key__in=[planted, after_password]).exists()
    intruder = browser()
    intruder.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert intruder.get("/console/")["Location"] == "/console/login/"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_the_login_never_redirects_to_another_site(target):
    make_persona("olga")
    client = browser()
    user = Volunteer.objects.get(user__username="olga").user
    for field in ("next", "redirect_to", "return"):
        url = f"/console/login/?{field}={target}"
        first = post(client, url, {"username": "olga", "password": PASSWORD, field: target})
        assert first["Location"] in ("/console/login/code/", "/console/login/enrol/")
    second = post(
        client, f"/console/login/code/?next={target}", {"code": code_for(user), "next": target}
    )
    assert second["Location"] == "/console/"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_a_signed_out_visitor_is_sent_to_the_login_page_of_this_site(target):
    response = browser().get(f"/console/moderation/?next={target}")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")
    assert "evil" not in response["Location"] and "javascript" not in response["Location"]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_language_links_never_point_to_another_site(target):
    page = browser().get(f"/statements/?next={target}").content.decode()
    assert "evil.example" not in page and "javascript:" not in page
