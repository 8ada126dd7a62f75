"""No IP address or user agent of a client survives a visit: requests of every
kind (pages, a declaration, refusals, 404, 405, 413, a crash, the API, a
console login) are sent with distinctive addresses (REMOTE_ADDR,
X-Forwarded-For, X-Real-IP) and a distinctive user agent; then every row of
every table (sessions decoded), every file of the data folder, the cache, every
answer and every log record — with the request Django attaches to it — are
searched for them."""

from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from tests.console.personas import PASSWORD, make_persona
from tests.public.helpers import get_form

from .conftest import CLIENT, NEEDLES  # every_log_record: conftest.py

pytestmark = pytest.mark.django_db


def visit_every_kind_of_page() -> list[bytes]:
    """Sends requests of every kind with the client's details; returns the answers."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False, **CLIENT)
    answers = [
        browser.get(path)
        for path in ("/", "/en/", "/statements/", "/declare/", "/receipt/", "/no-such-page/")
    ]
    answers += [browser.get("/api/v1/tally"), browser.get("/log/checkpoint")]
    form = get_form(browser, "/declare/")
    answers.append(
        browser.post(
            "/declare/",
            {**form, "organisations": "party", "naming": "generated_alias", "country": "CN"},
        )
    )
    answers.append(browser.post("/declare/", {"organisations": "party"}))  # no CSRF token
    answers.append(browser.put("/statements/"))  # 405
    answers.append(browser.post("/declare/", "x" * 70_000, content_type="text/plain"))  # 413
    answers.append(
        browser.post(
            "/api/v1/declarations",
            '{"organisations": ["party"], "people": [{"naming": "generated_alias"}]}',
            content_type="application/json",
        )
    )
    answers.append(browser.post("/api/v1/declarations", "{", content_type="application/json"))
    answers.append(browser.post("/receipt/", {**get_form(browser, "/receipt/"), "code": "ABCD"}))
    with mock.patch("tuidang.transparency.published.latest", side_effect=RuntimeError("boom")):
        crashed = browser.get("/")
    assert crashed.status_code == 500
    answers.append(crashed)
    make_persona("olga")
    volunteer = Client(enforce_csrf_checks=True, **CLIENT)
    login = get_form(volunteer, "/console/login/")
    answers.append(
        volunteer.post("/console/login/", {**login, "username": "olga", "password": "x"})
    )
    answers.append(
        volunteer.post("/console/login/", {**login, "username": "olga", "password": PASSWORD})
    )
    assert answers[8].status_code == 200 and b"receipt-code" in answers[8].content
    return [answer.content for answer in answers]


def database_text() -> str:
    rows = [repr(row) for model in apps.get_models() for row in model._default_manager.values()]
    rows += [repr(session.get_decoded()) for session in Session.objects.all()]
    return "\n".join(rows)


def data_folder_bytes() -> list[tuple[Path, bytes]]:
    folders = {Path(settings.DATA_DIR), Path(settings.TUIDANG_LOG_DIR)}
    return [
        (path, path.read_bytes())
        for folder in folders
        if folder.exists()
        for path in folder.rglob("*")
        if path.is_file()
    ]


def cache_text() -> str:
    return "\n".join(repr(vars(cache)) for cache in caches.all())


def found_in(text: str | bytes, where: str) -> list[str]:
    if isinstance(text, str):
        text = text.encode("utf-8", "replace")
    return [
        f"{label} in {where}"
        for label, needle in NEEDLES.items()
        for encoding in ("utf-8", "utf-16-le")
        if needle.encode(encoding) in text
    ]


def test_no_address_or_user_agent_reaches_database_files_cache_answers_or_logs(
    every_log_record, settings
):
    settings.TUIDANG_RATE_LIMITS = "intake=100/600 receipt=100/600"  # the limiter runs too
    answers = visit_every_kind_of_page()
    assert every_log_record, "the log capture saw nothing: it would prove nothing"
    assert any("Server error 500 at route" in line for line in every_log_record)
    hits = found_in(database_text(), "the database")
    hits += [hit for path, data in data_folder_bytes() for hit in found_in(data, str(path))]
    hits += found_in(cache_text(), "the cache")
    hits += [hit for answer in answers for hit in found_in(answer, "an answer")]
    hits += [hit for line in every_log_record for hit in found_in(line, "a log record")]
    assert hits == []
