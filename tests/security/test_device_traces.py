"""Traces on the declarant's own device (a phone may be searched): receipt codes
never in a URL, no caching of pages after a declaration or of receipt pages,
no autofill of identity fields, a receipt page that asks for the code to be
written down before leaving, and a way out that clears the site's data."""

import re

import pytest

from tests.public.helpers import browser, get_form, receipt_code, submit

pytestmark = pytest.mark.django_db

DECLARATION = {"organisations": "party", "naming": "generated_alias", "country": "CN"}
IDENTITY_FIELDS = ("true_name", "alias", "contact")


def declare(client, path="/declare/"):
    response = submit(client, path, DECLARATION)
    assert response.status_code == 200
    return response


def test_the_page_after_a_declaration_and_receipt_pages_are_never_stored():
    client = browser()
    responses = [declare(client), client.get("/receipt/"), client.get("/declare/")]
    code = receipt_code(responses[0].content.decode())
    responses.append(submit(client, "/receipt/", {"code": code}))
    responses.append(
        client.post("/leave/", {**get_form(client, "/declare/"), "written_down": "yes"})
    )
    for response in responses:
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_no_page_puts_a_receipt_code_in_a_url():
    client = browser()
    page = declare(client).content.decode()
    code = receipt_code(page)
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert urls and not [url for url in urls if code in url or code.replace("-", "") in url]
    lookup = submit(client, "/receipt/", {"code": code})
    assert lookup.status_code == 200 and not lookup.has_header("Location")
    assert client.get("/receipt/", {"code": code}).content.decode().count(code) == 0
    assert 'method="post" action="/receipt/"' in client.get("/receipt/").content.decode()


def test_identity_fields_and_the_receipt_code_field_never_autofill():
    client = browser()
    for path in ("/declare/", "/declare/for-others/", "/en/declare/"):
        page = client.get(path).content.decode()
        for tag in re.findall(r"<(?:input|textarea)[^>]*>", page):
            name = re.search(r'name="([^"]+)"', tag).group(1)
            if name.split("-")[-1] in IDENTITY_FIELDS or name.endswith(IDENTITY_FIELDS):
                assert 'autocomplete="off"' in tag, (path, tag)
    receipt = client.get("/receipt/").content.decode()
    assert re.search(r'<form method="post" action="/receipt/" autocomplete="off"', receipt)


def test_the_receipt_page_asks_for_the_code_to_be_written_down_before_leaving():
    client = browser()
    page = declare(client).content.decode()
    form = re.search(r'<form method="post" action="/leave/".*?</form>', page, re.S).group(0)
    assert re.search(r'<input type="checkbox" name="written_down" value="yes" required>', form)
    assert 'name="csrfmiddlewaretoken"' in form


def test_leaving_with_the_box_ticked_clears_the_site_data():
    client = browser()
    page = declare(client).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)"', page))
    response = client.post("/leave/", {**hidden, "written_down": "yes"})
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_leaving_without_the_box_shows_the_code_again_and_clears_nothing():
    client = browser()
    page = declare(client).content.decode()
    code = receipt_code(page)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)"', page))
    response = client.post("/en/leave/", hidden)
    assert response.status_code == 400
    assert not response.has_header("Clear-Site-Data")
    assert receipt_code(response.content.decode()) == code
    assert "no-store" in response["Cache-Control"]


def test_leaving_needs_the_csrf_token_and_a_post():
    client = browser()
    assert client.post("/leave/", {"written_down": "yes"}).status_code == 403
    assert client.get("/leave/").status_code == 405


def test_crawlers_are_kept_to_the_public_read_side():
    client = browser()
    robots = client.get("/robots.txt").content.decode()
    for path in ("/declare/", "/en/declare/", "/zh-hant/receipt/", "/console/", "/leave/"):
        assert f"Disallow: {path}" in robots
    for path in ("/declare/", "/en/receipt/", "/zh-hant/receipt/withdraw/", "/console/login/"):
        assert "noindex" in client.get(path)["X-Robots-Tag"], path
    for path in ("/", "/en/statements/", "/api/v1/tally"):
        assert not client.get(path).has_header("X-Robots-Tag"), path
    assert "Disallow: /statements/" not in robots and "Disallow: /\n" not in robots
