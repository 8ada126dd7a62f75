"""Helpers for driving the public site's forms like a browser without JavaScript."""

import re

from django.test import Client

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def get_form(client: Client, url: str) -> dict:
    """GET a form page and return the hidden fields a browser would send back."""
    page = client.get(url).content.decode()
    fields = {"csrfmiddlewaretoken": TOKEN.search(page).group(1)}
    if match := FORM_TOKEN.search(page):
        fields["token"] = match.group(1)
    return fields


def submit(client: Client, url: str, data: dict):
    return client.post(url, {**get_form(client, url), **data})


def receipt_code(page: str) -> str:
    return re.search(r'class="receipt-code">([0-9A-Z-]+)<', page).group(1)
