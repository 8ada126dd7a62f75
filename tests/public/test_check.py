"""The "check the count" page: the public log explained in plain words, with
the latest signed checkpoint, the verifier key, the log's address and the
command that checks them — the values that used to sit on the home page."""

import html as html_module
import re

import pytest

from ..factories import make_declaration

pytestmark = pytest.mark.django_db


def page(client, url="/en/check/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_latest_checkpoint_and_the_verifier_key(client, publish):
    from tuidang.transparency import keys, published

    for _ in range(3):
        make_declaration(accept=True)
    publish()
    latest = published.latest()
    html = page(client)
    assert f'<code class="tree-size">{latest["tree_size"]}</code>' in html
    assert latest["tree_size"] == 3
    assert f'<code class="hash root-hash">{latest["root_hash"]}</code>' in html
    assert f'<code class="hash verifier-key">{keys.verifier_key()}</code>' in html
    note = re.search(r'<pre class="note" lang="en">(.*?)</pre>', html, re.S).group(1)
    assert html_module.unescape(note) == latest["checkpoint"]
    assert 'href="/log/checkpoint"' in html


def test_the_page_gives_the_command_with_this_sites_log_and_key(client, publish):
    from tuidang.transparency import keys

    make_declaration(accept=True)
    publish()
    html = html_module.unescape(page(client))
    assert f"tuidang log verify http://testserver/log --vkey '{keys.verifier_key()}'" in html


def test_before_the_first_batch_the_page_says_nothing_is_published_yet(client):
    html = page(client)
    assert "Nothing has been published yet." in html
    assert 'class="hash root-hash"' not in html


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/en/check/", "How anyone can check the count"),
        ("/check/", "任何人都可以这样查证人数"),
        ("/zh-hant/check/", "任何人都可以這樣查證人數"),
    ],
)
def test_the_page_has_one_heading_in_each_language(client, url, words):
    html = page(client, url)
    assert re.findall(r"<h1>(.*?)</h1>", html) == [words]


def test_the_page_may_be_indexed(client):
    response = client.get("/en/check/")
    assert "X-Robots-Tag" not in response
    assert "Disallow: /en/check/" not in client.get("/robots.txt").content.decode()


def test_the_page_refuses_a_post(client):
    assert client.post("/en/check/").status_code == 405
