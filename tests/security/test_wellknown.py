"""/.well-known/security.txt (RFC 9116): a contact, an expiry that is always
ahead and within a year, a canonical address; plain text, outside the
language prefix."""

import datetime
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def fields(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        name, value = line.split(": ", 1)
        found.setdefault(name, []).append(value)
    return found


def test_security_txt_names_a_contact_and_an_expiry_within_a_year():
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    values = fields(response.content.decode())
    assert values["Contact"] == ["mailto:security@testserver"]
    expires = datetime.datetime.strptime(values["Expires"][0], "%Y-%m-%dT%H:%M:%SZ")
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    assert now + datetime.timedelta(days=30) < expires < now + datetime.timedelta(days=365)
    assert values["Canonical"] == ["http://testserver/.well-known/security.txt"]
    assert values["Preferred-Languages"] == ["zh, en"]


def test_configured_contacts_are_listed_in_order(settings):
    settings.TUIDANG_SECURITY_CONTACTS = ["mailto:sec@example.org", "https://example.org/sec"]
    text = Client().get("/.well-known/security.txt").content.decode()
    assert re.findall(r"^Contact: (.+)$", text, re.M) == settings.TUIDANG_SECURITY_CONTACTS


def test_security_txt_and_robots_txt_are_not_under_a_language_prefix():
    client = Client()
    assert client.get("/en/.well-known/security.txt").status_code == 404
    assert client.get("/en/robots.txt").status_code == 404
    assert client.get("/robots.txt").status_code == 200
