"""Every public page, in every language: renders, is small, needs no JavaScript
and loads nothing from anywhere else."""

import re

import pytest

from ..factories import make_declaration

pytestmark = pytest.mark.django_db

PAGES = ["", "declare/", "declare/for-others/", "receipt/", "statements/", "check/"]
LANGUAGES = {
    # prefix, html lang, words of that language's UI that must appear
    "zh-hans": ("/", "zh-hans", ["退党服务中心", "声明"]),
    "zh-hant": ("/zh-hant/", "zh-hant", ["退黨服務中心", "聲明"]),
    "en": ("/en/", "en", ["Tuidang Service Centre", "Declare"]),
}
EXTERNAL = re.compile(r'(src|href|action)="(https?:)?//', re.I)


@pytest.fixture(autouse=True)
def some_statements():
    for index in range(25):
        make_declaration(accept=True, statement=f"我声明退出。第{index}份。")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_every_language(client, page, language):
    prefix, lang, words = LANGUAGES[language]
    response = client.get(prefix + page)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_under_60_kb_without_scripts_or_third_party_resources(client, page, language):
    prefix = LANGUAGES[language][0]
    html = client.get(prefix + page).content.decode()
    assert len(html.encode()) < 60 * 1024
    assert "<script" not in html.lower()
    assert not EXTERNAL.search(html)


def test_the_english_pages_show_no_simplified_ui_text(client):
    html = client.get("/en/declare/").content.decode()
    for chinese in ["声明退出", "真实姓名", "化名"]:
        assert chinese not in html


def test_each_page_links_to_itself_in_the_other_languages(client):
    html = client.get("/statements/").content.decode()
    assert 'href="/zh-hant/statements/"' in html and 'href="/en/statements/"' in html


def test_the_page_is_usable_on_a_narrow_phone(client):
    html = client.get("/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in response["Permissions-Policy"]
