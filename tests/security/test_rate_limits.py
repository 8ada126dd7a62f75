"""Rate limits on public intake, through the whole middleware stack: a client
that posts too often gets a clear 429 in the page's language (its form again,
with what it typed; JSON under /api/), other clients go on, reading is never
limited — and the counters hold no address."""

import json
import pickle

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tuidang.registry.choices import Status
from tuidang.registry.models import Declaration
from tuidang.web import ratelimit

from ..factories import make_declaration
from .conftest import CLIENT_ADDRESS

pytestmark = pytest.mark.django_db

DECLARATION = {"organisations": ["party"], "people": [{"naming": "generated_alias"}]}


@pytest.fixture(autouse=True)
def limits(settings, monkeypatch):
    settings.TUIDANG_RATE_LIMITS = "intake=3/600 receipt=5/600"
    # The middle of a window: a slow test must not cross into the next one.
    monkeypatch.setattr(ratelimit, "clock", lambda: 600_000.0 + 300)


def post_form(client, path, address=CLIENT_ADDRESS):
    return client.post(path, {"organisations": "party"}, REMOTE_ADDR=address)


def api_declare(client, address=CLIENT_ADDRESS, **headers):
    return client.post(
        "/api/v1/declarations",
        json.dumps(DECLARATION),
        content_type="application/json",
        REMOTE_ADDR=address,
        **headers,
    )


def test_a_fourth_declaration_in_the_window_gets_429_and_is_not_recorded():
    client = Client()
    answers = [api_declare(client).status_code for _ in range(4)]
    assert answers == [201, 201, 201, 429]
    assert Declaration.objects.count() == 3


def test_the_api_refusal_is_json_in_the_requested_language_with_retry_after():
    client = Client()
    for _ in range(3):
        api_declare(client)
    response = api_declare(client, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "请求过多" in response.json()["error"]
    assert 0 < int(response["Retry-After"]) <= 600


def test_the_form_refusal_is_the_form_again_in_the_language_of_its_url():
    # The form with what was typed: tests/public/test_error_pages.py.
    client = Client()
    for _ in range(3):
        post_form(client, "/en/declare/")
    english = post_form(client, "/en/declare/")
    chinese = post_form(client, "/declare/for-others/")
    assert english.status_code == chinese.status_code == 429
    assert english["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in english.content.decode()
    assert "Many forms were sent from your connection" in english.content.decode()
    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert "短时间内从您的网络连接发送了很多表格" in chinese.content.decode()
    assert 'action="/declare/for-others/"' in chinese.content.decode()
    assert english["Cache-Control"] == "no-store"
    assert 0 < int(english["Retry-After"]) <= 600
    assert "unsafe-inline" not in english["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in english["Content-Security-Policy"]


def test_web_form_and_api_share_one_intake_limit():
    client = Client()
    post_form(client, "/declare/")
    post_form(client, "/zh-hant/declare/for-others/")
    api_declare(client)
    assert api_declare(client).status_code == 429


def test_receipt_lookups_have_their_own_limit():
    client = Client()
    for _ in range(3):
        api_declare(client)
    answers = [
        client.post("/receipt/", {"code": "x"}, REMOTE_ADDR=CLIENT_ADDRESS).status_code
        for _ in range(6)
    ]
    assert answers[:5] == [400] * 5  # not a receipt code: refused, but still counted
    assert answers[5] == 429


def test_withdrawals_share_the_receipt_lookup_limit():
    # Each tries a receipt code: a client cannot get more guesses by switching form.
    receipt = make_declaration(accept=True)
    client = Client()
    paths = ["/receipt/", "/en/receipt/withdraw/", "/zh-hant/receipt/withdraw/"] * 2
    answers = [
        client.post(path, {"code": "x"}, REMOTE_ADDR=CLIENT_ADDRESS).status_code for path in paths
    ]
    assert answers[:5] == [400] * 5
    assert answers[5] == 429
    withdrawal = {"code": receipt.code, "confirm": "yes", "action": "withdraw", "seen": "accepted"}
    refused = client.post("/en/receipt/withdraw/", withdrawal, REMOTE_ADDR=CLIENT_ADDRESS)
    assert refused.status_code == 429
    assert "Many forms were sent from your connection" in refused.content.decode()
    assert Declaration.objects.get().status == Status.ACCEPTED


def test_another_client_is_not_held_back():
    client = Client()
    for _ in range(4):
        api_declare(client)
    assert api_declare(client, address="203.0.113.78").status_code == 201


def test_reading_pages_is_never_limited():
    client = Client()
    for _ in range(4):
        api_declare(client)
    pages = ("/", "/declare/", "/receipt/", "/receipt/withdraw/", "/statements/", "/api/v1/tally")
    for path in pages:
        assert client.get(path, REMOTE_ADDR=CLIENT_ADDRESS).status_code == 200


def test_behind_a_proxy_the_configured_header_names_the_client(settings):
    settings.TUIDANG_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    client = Client()
    for number in range(4):
        proxy_says = {"HTTP_X_REAL_IP": f"203.0.113.{10 + number}"}
        assert api_declare(client, address="127.0.0.1", **proxy_says).status_code == 201
    for _ in range(3):
        api_declare(client, address="127.0.0.1", HTTP_X_REAL_IP="198.51.100.5")
    blocked = api_declare(client, address="127.0.0.1", HTTP_X_REAL_IP="198.51.100.5")
    assert blocked.status_code == 429


def test_a_new_window_starts_from_zero():
    limit = ratelimit.Limit(2, 60)
    assert ratelimit.count("intake", limit, CLIENT_ADDRESS, now=1200.0)[0] == 1
    assert ratelimit.count("intake", limit, CLIENT_ADDRESS, now=1230.0)[0] == 2
    assert ratelimit.count("intake", limit, CLIENT_ADDRESS, now=1260.0)[0] == 1


def test_counters_keep_no_address_and_forget_within_two_windows():
    client = Client()
    for _ in range(4):
        api_declare(client)
    cache = caches["default"]
    stored = {key: pickle.loads(value) for key, value in cache._cache.items()}  # noqa: S301
    assert stored
    assert CLIENT_ADDRESS not in repr(stored)
    for key in stored:
        assert cache._expire_info[key] - __import__("time").time() <= 2 * 600


def test_limits_off_lets_everything_through(settings):
    settings.TUIDANG_RATE_LIMITS = "off"
    client = Client()
    assert {api_declare(client).status_code for _ in range(5)} == {201}


@pytest.mark.parametrize("text", ["intake=10", "intake=0/60", "everything=1/60", "10/600"])
def test_a_malformed_limit_setting_fails_closed(text):
    with pytest.raises(ImproperlyConfigured):
        ratelimit.parse_limits(text)
