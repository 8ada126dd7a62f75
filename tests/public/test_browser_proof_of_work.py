"""Proof of work in a real browser (THREAT_MODEL C35): on a real server with
`TUIDANG_PROOF_OF_WORK` on, Debian's Chromium with JavaScript on runs our
script under the page's CSP, solves the challenge and the declaration is
recorded as proven; the same form with JavaScript off is still recorded, as
unproven."""

import re
import tempfile
import time

import pytest

from ..browser import launch
from ..server import conftest as server_conftest
from ..server.conftest import RunningServer, run_tuidang

pytestmark = pytest.mark.server

BITS = "12"
UNPROVEN_FLAGS = (
    "from tuidang.registry.models import Declaration; "
    "print(list(Declaration.objects.filter(channel='web').order_by('id')"
    ".values_list('unproven', flat=True)))"
)


def declare(page, url: str) -> str:
    page.goto(url + "/declare/")
    page.check("input[name=organisations][value=party]")
    page.fill("textarea[name=statement]", "我声明退出中共。")
    page.click("button[type=submit]")
    page.wait_for_selector(".receipt-code", timeout=60_000)
    code = page.inner_text(".receipt-code").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), page.content()[:2000]
    return code


def solution(page, timeout: float = 60) -> str:
    """The hidden field's value once the script filled it ('' if it never did)."""
    field = page.locator("input[name=proof_of_work]")
    deadline = time.monotonic() + timeout
    while not (value := field.input_value()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def test_the_script_solves_the_challenge_and_the_declaration_is_proven(tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    plain_env = server_conftest.subprocess_env

    def with_proof_of_work(data_dir):
        return {**plain_env(data_dir), "TUIDANG_PROOF_OF_WORK": BITS}

    monkeypatch.setattr(server_conftest, "subprocess_env", with_proof_of_work)
    data_dir = tmp_path / "data"
    server = RunningServer(data_dir)
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            browser = launch(playwright, profile, viewport={"width": 360, "height": 740})
            page = browser.new_page()
            messages = []
            page.on("console", lambda message: messages.append(message.text))
            page.goto(server.url + "/declare/")
            proof = solution(page)
            assert proof, f"no solution; console: {messages}"
            challenge, counter = proof.rsplit(":", 1)
            assert challenge == page.get_attribute("input[name=proof_of_work]", "data-challenge")
            assert counter.isdigit()
            status = page.locator(".proof-of-work")
            assert status.is_visible()
            assert status.inner_text() == status.get_attribute("data-done")
            declare(page, server.url)
            assert not [m for m in messages if "Content Security Policy" in m], messages
            browser.close()

            # The same form without JavaScript: still recorded, but unproven.
            with tempfile.TemporaryDirectory() as second:
                plain = launch(playwright, second, java_script_enabled=False)
                declare(plain.new_page(), server.url)
                plain.close()
    finally:
        server.stop()
    flags = run_tuidang(data_dir, "shell", "-v", "0", "-c", UNPROVEN_FLAGS).stdout.strip()
    assert flags == "[False, True]"
