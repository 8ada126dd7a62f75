"""Error pages in the site's layout and the language of the URL (400, 403, 404,
429, 500), and refused form posts (429, CSRF) that come back as the person
filled them in, with a message, `no-store`: never a bare page, never lost text.
The API keeps its JSON errors."""

import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tuidang.public.views import errors
from tuidang.registry.models import Declaration
from tuidang.web import ratelimit

from .helpers import FORM_TOKEN, TOKEN, browser, get_form, receipt_code, submit

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.public.error_urls"
# prefix: (the <html> lang, the home page, a sentence of that language's 404 page)
LANGUAGES = {
    "/": ("zh-hans", "/", "这个网址上没有页面。"),
    "/zh-hant/": ("zh-hant", "/zh-hant/", "這個網址上沒有頁面。"),
    "/en/": ("en", "/en/", "There is no page at this address."),
}
SENTENCES = {
    # status: {language: a sentence of that page}
    400: {
        "zh-hans": "网址或浏览器发送的内容不符合本网站的要求。",
        "zh-hant": "網址或瀏覽器發送的內容不符合本網站的要求。",
        "en": "Something in the address or in what your browser sent",
    },
    403: {
        "zh-hans": "无法打开这个页面",
        "zh-hant": "無法打開這個頁面",
        "en": "This page cannot be opened",
    },
    404: {lang: sentence for lang, _home, sentence in LANGUAGES.values()},
    500: {
        "zh-hans": "服务器出了故障，页面无法显示。",
        "zh-hant": "服務器出了故障，頁面無法顯示。",
        "en": "The page could not be shown because of a fault on our server.",
    },
}
HOME_LINK = {"zh-hans": "回到首页", "zh-hant": "回到首頁", "en": "Go to the home page"}
# What a person typed into the declaration form.
TYPED = {
    "organisations": ["league"],
    "naming": "alias",
    "true_name": "王小明",
    "alias": "松间明月",
    "country": "CN",
    "province": "CN-SC",
    "statement": "我自愿退出，从此心安。",
    "contact": "微信 songjian-5519",
}
FIRST = {"organisations": "party", "naming": "generated_alias", "country": "CN"}
SENT_FROM_THIS_SITE = {"HTTP_ORIGIN": "http://testserver"}


def assert_error_page(response, status: int, prefix: str):
    """The layout in the URL's language, that page's sentence, a link home, no other language."""
    lang, home, _sentence = LANGUAGES[prefix]
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{lang}">' in html
    assert "<main>" in html and '<header class="top">' in html and "<footer>" in html
    assert html.count("<h1>") == 1
    assert SENTENCES[status][lang] in html
    assert f'<a href="{home}">{HOME_LINK[lang]}</a>' in html
    for other, sentence in SENTENCES[status].items():
        if other != lang:
            assert sentence not in html, other


def assert_typed(html: str):
    """Every value of TYPED is back in its field."""
    assert 'name="alias" value="松间明月"' in html
    assert 'name="true_name" value="王小明"' in html
    assert "我自愿退出，从此心安。</textarea>" in html
    assert "微信 songjian-5519</textarea>" in html
    assert re.search(
        r'<input type="checkbox" name="organisations" value="league"[^>]* checked', html
    )
    assert not re.search(r'name="organisations" value="party"[^>]* checked', html)
    assert re.search(r'<input type="radio" name="naming" value="alias"[^>]* checked', html)
    assert re.search(r'<option value="CN-SC" selected>', html)


# 404


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_an_unknown_address_gets_the_404_page_in_the_layout_and_its_language(client, prefix):
    response = client.get(prefix + "no-such-page-5519/")
    assert_error_page(response, 404, prefix)


def test_the_404_page_never_shows_the_address_asked_for(client):
    html = client.get("/en/wang-xiaoming-5519/").content.decode()
    assert "wang-xiaoming-5519" not in html
    # Its language links lead to each language's home page.
    assert 'href="/zh-hant/" lang="zh-hant"' in html and 'href="/" lang="zh-hans"' in html


# 500, 400 and 403, from views that fail on purpose (tests/public/error_urls.py).


@override_settings(ROOT_URLCONF=ERROR_URLS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_server_error_gets_the_500_page_without_touching_the_database(prefix):
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(prefix + "failing/crash/")
    assert_error_page(response, 500, prefix)
    assert not queries.captured_queries


@override_settings(ROOT_URLCONF=ERROR_URLS)
def test_if_even_the_layout_fails_the_500_is_a_constant_page(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template failed too")

    monkeypatch.setattr(errors, "render_to_string", broken)
    response = Client(raise_request_exception=False).get("/en/failing/crash/")
    assert response.status_code == 500
    assert response.content.decode() == errors.FALLBACK_500


@override_settings(ROOT_URLCONF=ERROR_URLS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_suspicious_request_gets_the_400_page_in_the_layout(prefix):
    response = Client(raise_request_exception=False).get(prefix + "failing/suspicious/")
    assert_error_page(response, 400, prefix)


@override_settings(ROOT_URLCONF=ERROR_URLS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_a_refusal_gets_the_403_page_in_the_layout(prefix):
    response = Client(raise_request_exception=False).get(prefix + "failing/forbidden/")
    assert_error_page(response, 403, prefix)


def test_a_form_with_too_many_fields_gets_the_400_page(client):
    fields = {f"field{number}": "x" for number in range(250)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert_error_page(client.post("/en/declare/", fields), 400, "/en/")
    assert Declaration.objects.count() == 0


def test_a_host_not_allowed_gets_the_400_page(client):
    response = client.get("/zh-hant/", HTTP_HOST="evil-host-5519.example")
    assert_error_page(response, 400, "/zh-hant/")
    assert "evil-host-5519" not in response.content.decode()


# CSRF refusals


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/", "这份表格没有被接受"),
        ("/zh-hant/", "這份表格沒有被接受"),
        ("/en/", "This form was not accepted"),
    ],
)
def test_a_stale_declaration_form_comes_back_with_what_was_typed(prefix, message):
    client = browser()
    client.get(prefix + "declare/")  # the cookie; the token in the page is then lost
    refused = client.post(prefix + "declare/", TYPED, **SENT_FROM_THIS_SITE)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert f'<html lang="{LANGUAGES[prefix][0]}">' in html and "<main>" in html
    assert f'<div class="refusal" role="alert"><p>{message}' in html
    assert f'action="{prefix}declare/"' in html
    assert_typed(html)
    assert refused["Cache-Control"] == "no-store"
    assert Declaration.objects.count() == 0


def test_the_form_sent_back_after_a_csrf_refusal_can_be_sent_again():
    client = browser()  # no cookie at all: it was lost, or the page was open too long
    refused = client.post("/en/declare/", TYPED, **SENT_FROM_THIS_SITE)
    assert refused.status_code == 403
    html = refused.content.decode()
    again = {**TYPED, "csrfmiddlewaretoken": TOKEN.search(html).group(1)}
    again["token"] = FORM_TOKEN.search(html).group(1)
    accepted = client.post("/en/declare/", again, **SENT_FROM_THIS_SITE)
    assert accepted.status_code == 200 and receipt_code(accepted.content.decode())
    person = Declaration.objects.get().people.get()
    assert person.public_name == "松间明月"


def test_with_proof_of_work_on_the_form_sent_back_carries_a_fresh_challenge(settings):
    settings.TUIDANG_PROOF_OF_WORK = 4
    client = browser()
    client.get("/en/declare/")
    refused = client.post("/en/declare/", TYPED, **SENT_FROM_THIS_SITE)
    assert refused.status_code == 403
    assert 'name="proof_of_work" value="" data-challenge="' in refused.content.decode()
    assert "script-src 'self'" in refused["Content-Security-Policy"]


def test_a_declaration_for_others_comes_back_with_each_person():
    client = browser()
    client.get("/en/declare/for-others/")
    typed = {
        "organisations": ["party"],
        "relationship": "colleagues",
        "p1_naming": "alias",
        "p1_alias": "山中客",
        "p2_naming": "true_name",
        "p2_true_name": "李小红",
        "unnamed_persons": "3",
        "statement": "同事们一起退出。",
    }
    refused = client.post("/en/declare/for-others/", typed, **SENT_FROM_THIS_SITE)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert 'name="p1_alias" value="山中客"' in html
    assert 'name="p2_true_name" value="李小红"' in html
    assert re.search(r'<option value="true_name" selected>', html)
    assert 'name="unnamed_persons" value="3"' in html
    assert "同事们一起退出。</textarea>" in html


def test_a_receipt_code_comes_back_but_is_not_looked_up():
    client = browser()
    client.get("/en/receipt/")
    refused = client.post("/en/receipt/", {"code": "ABCD-EFGH"}, **SENT_FROM_THIS_SITE)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert 'value="ABCD-EFGH"' in html
    assert "This form was not accepted" in html
    assert "No declaration has this receipt code" not in html
    assert refused["Cache-Control"] == "no-store"


@pytest.mark.parametrize("origin", [None, "https://elsewhere.example", "null"])
def test_a_post_not_from_this_sites_page_gets_the_plain_refusal_without_the_text(origin):
    client = browser()
    client.get("/en/declare/")
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    refused = client.post("/en/declare/", TYPED, **headers)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "public/csrf_failure.html" in [template.name for template in refused.templates]
    assert '<html lang="en">' in html and "<main>" in html
    assert "松间明月" not in html and "王小明" not in html
    assert Declaration.objects.count() == 0


def test_a_csrf_refusal_outside_the_forms_gets_the_plain_page():
    client = browser()
    client.get("/en/declare/")
    refused = client.post("/en/leave/", {"code": "x"}, **SENT_FROM_THIS_SITE)
    assert refused.status_code == 403
    assert "public/csrf_failure.html" in [template.name for template in refused.templates]


# 429


@pytest.fixture
def limits(settings, monkeypatch):
    """One declaration and two receipt lookups per window; the clock five minutes
    before the window ends."""
    settings.TUIDANG_RATE_LIMITS = "intake=1/600 receipt=2/600"
    monkeypatch.setattr(ratelimit, "clock", lambda: 600_000.0 + 300)
    caches["default"].clear()
    yield monkeypatch
    caches["default"].clear()


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/", "所以这一份没有被记录。您填写的内容还在下面，5 分钟后可以再提交。"),
        ("/zh-hant/", "所以這一份沒有被記錄。您填寫的內容還在下面，5 分鐘後可以再提交。"),
        ("/en/", "What you typed is still below: you can send it again in 5 minutes."),
    ],
)
def test_a_declaration_over_the_limit_comes_back_with_what_was_typed(limits, prefix, message):
    client = browser()
    submit(client, prefix + "declare/", FIRST)
    form = get_form(client, prefix + "declare/")
    refused = client.post(prefix + "declare/", {**form, **TYPED})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert f'<html lang="{LANGUAGES[prefix][0]}">' in html and "<main>" in html
    assert message in html
    assert f'action="{prefix}declare/"' in html
    assert_typed(html)
    assert f'name="token" value="{form["token"]}"' in html  # sent again, it is the same form
    assert refused["Cache-Control"] == "no-store"
    assert refused["Retry-After"] == "300"
    assert Declaration.objects.count() == 1


def test_the_form_sent_back_after_a_429_can_be_sent_again_later(limits):
    client = browser()
    submit(client, "/en/declare/", FIRST)
    refused = submit(client, "/en/declare/", TYPED)
    assert refused.status_code == 429
    html = refused.content.decode()
    limits.setattr(ratelimit, "clock", lambda: 600_000.0 + 900)  # the next window
    again = {
        **TYPED,
        "csrfmiddlewaretoken": TOKEN.search(html).group(1),
        "token": FORM_TOKEN.search(html).group(1),
    }
    accepted = client.post("/en/declare/", again)
    assert accepted.status_code == 200 and receipt_code(accepted.content.decode())
    assert Declaration.objects.count() == 2


def test_minutes_are_rounded_up_and_never_zero():
    assert [errors.retry_minutes(s) for s in (1, 59, 60, 61, 600)] == [1, 1, 1, 2, 10]


def test_a_receipt_lookup_over_the_limit_keeps_the_code_and_does_not_look_it_up(limits):
    client = Client()
    for _ in range(2):
        client.post("/en/receipt/", {"code": "x"})
    refused = client.post("/en/receipt/", {"code": "ABCD-EFGH-JKMN-PQRS"})
    html = refused.content.decode()
    assert refused.status_code == 429
    assert 'value="ABCD-EFGH-JKMN-PQRS"' in html
    assert "you can send it again in 5 minutes" in html
    assert "No declaration has this receipt code" not in html


def test_a_withdrawal_over_the_limit_shows_the_code_form_again(limits):
    client = Client()
    for _ in range(2):
        client.post("/en/receipt/", {"code": "x"})
    refused = client.post(
        "/zh-hant/receipt/withdraw/",
        {"code": "ABCD-EFGH-JKMN-PQRS", "confirm": "yes", "action": "withdraw"},
    )
    html = refused.content.decode()
    assert refused.status_code == 429
    assert 'value="ABCD-EFGH-JKMN-PQRS"' in html
    assert "5 分鐘後可以再提交" in html


def test_a_refusal_elsewhere_is_the_429_page_in_the_layout(rf):
    from django.urls import resolve
    from django.utils import translation

    request = rf.post("/en/statements/")
    with translation.override("en"):
        request.resolver_match = resolve("/en/statements/")
    response = errors.too_many_requests(request, 61)
    html = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="en">' in html and "<main>" in html
    assert "You can try again in 2 minutes." in html


def test_the_refuser_must_come_after_the_csrf_check():
    from django.core.exceptions import ImproperlyConfigured

    csrf, refuser = ratelimit.CSRF_MIDDLEWARE, ratelimit.REFUSER
    ratelimit.check_order([csrf, refuser])
    for wrong in ([csrf], [refuser, csrf], [refuser]):
        with pytest.raises(ImproperlyConfigured):
            ratelimit.check_order(wrong)


# The API keeps its JSON.


def test_the_api_still_answers_404_and_429_in_json(limits):
    client = Client()
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    body = json.dumps({"organisations": ["party"], "people": [{"naming": "generated_alias"}]})
    answers = [
        client.post("/api/v1/declarations", body, content_type="application/json") for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 429]
    assert answers[1]["Content-Type"] == "application/json"
    assert set(answers[1].json()) == {"error", "fields"}
