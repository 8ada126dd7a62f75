"""Helpers for driving the console's intake forms like a browser without JavaScript."""

import re

from .personas import TOKEN

FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def form_fields(client, url: str) -> dict:
    """GET a form page; the hidden fields a browser would send back."""
    page = client.get(url).content.decode()
    fields = {"csrfmiddlewaretoken": TOKEN.search(page).group(1)}
    fields["token"] = FORM_TOKEN.search(page).group(1)
    fields["slots"] = re.search(r'name="slots" value="(\d+)"', page).group(1)
    return fields


def submit(client, url: str, data: dict, **extra):
    return client.post(url, {**form_fields(client, url), **data}, **extra)


def receipt_code(page: str) -> str:
    return re.search(r'class="receipt-code">([0-9A-Z-]+)<', page).group(1)


def read_back_names(page: str) -> list[str]:
    block = re.search(r'<ul class="names">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r"<strong>([^<]+)</strong>", block)
