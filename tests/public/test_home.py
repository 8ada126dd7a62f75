"""The home page: a heading and one sentence saying what the service is, the
published total, the latest published day, organisations, milestones, and a
link to the page explaining how anyone can check the count — no hashes or keys
on the front page itself."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from ..factories import make_declaration

pytestmark = pytest.mark.django_db

SENTENCES = {
    "/en/": (
        "Here anyone can declare that they withdraw from the Chinese Communist Party, "
        "the Communist Youth League or the Young Pioneers, under an alias if they wish, "
        "and every accepted declaration is counted in a public log that anyone can check."
    ),
    "/": (
        "在这里，任何人都可以声明退出中国共产党、共青团或少先队，愿意的话可以用化名；"
        "每一份通过审核的声明都计入一份公开日志，任何人都可以查证。"
    ),
    # Derived from the Simplified text by scripts/make-messages (OpenCC).
    "/zh-hant/": None,
}
CHECK_LINKS = {"/en/": "/en/check/", "/": "/check/", "/zh-hant/": "/zh-hant/check/"}


def test_the_home_page_shows_the_total_per_organisation_and_today(client, publish):
    make_declaration(accept=True, organisations=["party", "league"], unnamed_persons=1233)
    make_declaration(accept=False, unnamed_persons=5)
    publish()
    html = client.get("/en/").content.decode()
    assert '<p class="number">1,234</p>' in html
    assert "Today: 1,234" in html
    assert '<th scope="row">Chinese Communist Party</th><td>1,234</td>' in html
    assert '<th scope="row">Young Pioneers</th><td>0</td>' in html


def test_today_counts_only_what_is_published(client, publish):
    make_declaration(accept=True, unnamed_persons=2)
    publish()
    make_declaration(accept=True, unnamed_persons=40)  # counted, not yet published
    html = client.get("/en/").content.decode()
    assert "Today: 3" in html and '<p class="number">3</p>' in html


def test_before_todays_declarations_are_published_the_latest_published_day_is_named(
    client, publish
):
    earlier = timezone.now().date() - datetime.timedelta(days=2)
    make_declaration(accept=True, unnamed_persons=6, day=earlier - datetime.timedelta(days=1))
    make_declaration(accept=True, unnamed_persons=4, day=earlier)
    publish()
    html = client.get("/en/").content.decode()
    assert f"{earlier.isoformat()} (the latest day published): 5" in html
    assert "Today:" not in html


def test_nothing_published_yet_shows_zero_today(client):
    html = client.get("/en/").content.decode()
    assert '<p class="number">0</p>' in html and "Today: 0" in html


def test_the_home_page_lists_crossed_milestones(client, settings, publish):
    settings.TUIDANG_MILESTONE_STEP = 10
    make_declaration(accept=True, unnamed_persons=10)
    publish()
    html = client.get("/en/").content.decode()
    assert "Next: 20" in html
    assert "<li>10 — " in html


def test_the_home_page_refuses_a_post(client):
    assert client.post("/").status_code == 405


@pytest.mark.parametrize("prefix", SENTENCES)
def test_the_home_page_says_what_this_is_under_exactly_one_heading(client, prefix):
    html = client.get(prefix).content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    expected = SENTENCES[prefix]
    if expected is None:
        with translation.override("zh-hant"):
            expected = translation.gettext(SENTENCES["/en/"])
        assert "聲明退出中國共產黨、共青團或少先隊" in expected
    heading = html.index("<h1>")
    sentence = html.index(expected)
    assert heading < sentence < html.index('<p class="number">')


@pytest.mark.parametrize("prefix", CHECK_LINKS)
def test_the_home_page_links_to_how_anyone_can_check_the_count(client, prefix):
    html = client.get(prefix).content.decode()
    assert f'href="{CHECK_LINKS[prefix]}"' in html


def test_the_home_page_links_to_every_next_step(client):
    html = client.get("/en/").content.decode()
    for url in ["/en/declare/", "/en/declare/for-others/", "/en/receipt/", "/en/statements/"]:
        assert f'href="{url}"' in html


def test_the_home_page_shows_no_hash_or_key(client, publish):
    """The proof details live on /check/ (test_check.py), not on the front page."""
    from tuidang.transparency import keys, published

    make_declaration(accept=True)
    publish()
    html = client.get("/en/").content.decode()
    assert published.latest()["root_hash"] not in html
    assert keys.verifier_key() not in html
    assert 'class="hash"' not in html
