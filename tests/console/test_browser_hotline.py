"""A real browser (Playwright driving Debian's Chromium) walks a demo hotline
operator through login with TOTP and one hotline intake using the keyboard
alone, at phone width, against a real server (`tuidang demo` under gunicorn).
Screenshots of the console pages go to build/screenshots/console/."""

import base64
import json
import re
import tempfile
import time
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.browser import launch
from tests.server.conftest import RunningServer, run_tuidang

pytestmark = pytest.mark.server

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "console"


def demo_account(log: str, login: str) -> tuple[str, str]:
    match = re.search(rf"login {login}\s+password (\S+)\s+TOTP secret ([A-Z2-7]+)", log)
    return match.group(1), match.group(2)


def totp_code(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, drift=drift):06d}"


def focused_name(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.name || e.id || e.getAttribute('href') || ''; }"
    )


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the element called `name` (form name, id or link) has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def sign_in(page, url: str, login: str, password: str, secret: str, shots: bool) -> None:
    page.goto(url + "/console/login/")
    if shots:
        page.screenshot(path=SHOTS / "01-login.png", full_page=True)
    # The login field has autofocus; under load, wait for it before typing.
    page.wait_for_function("document.activeElement && document.activeElement.name === 'username'")
    page.keyboard.type(login)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/login/code/", timeout=60_000)
    if shots:
        page.screenshot(path=SHOTS / "02-second-factor.png", full_page=True)
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'INPUT'")
    while 30 - time.time() % 30 < 4:  # never type a code about to expire
        time.sleep(0.5)
    page.keyboard.type(totp_code(secret))
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/console/", timeout=60_000)


@pytest.fixture
def demo_server():
    with tempfile.TemporaryDirectory(prefix="tuidang-console-browser-") as folder:
        running = RunningServer(Path(folder) / "data")
        try:
            yield running
        finally:
            running.stop()


def test_an_operator_takes_a_hotline_statement_with_the_keyboard_alone(demo_server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    log = demo_server.log_path.read_text()
    password, secret = demo_account(log, "demo-operator")
    url = demo_server.url
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = launch(
            playwright,
            profile,
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
        )
        try:
            page = context.new_page()
            sign_in(page, url, "demo-operator", password, secret, shots=True)
            page.screenshot(path=SHOTS / "03-home.png", full_page=True)

            tab_to(page, "/console/hotline/")  # the "Hotline" link
            page.keyboard.press("Enter")
            page.wait_for_url("**/console/hotline/")
            page.screenshot(path=SHOTS / "04-hotline.png", full_page=True)

            tab_to(page, "organisations")  # party: checked by default
            page.keyboard.press("Tab")
            page.keyboard.press("Space")  # league
            tab_to(page, "p1_true_name")
            page.keyboard.type("键盘测试")
            tab_to(page, "province")
            for _ in range(3):
                page.keyboard.press("ArrowDown")
            tab_to(page, "sector")
            page.keyboard.press("ArrowDown")
            tab_to(page, "statement")
            page.keyboard.type("我自愿退出中国共产党和共青团。")
            tab_to(page, "notes")
            page.keyboard.type("电话很短")
            tab_to(page, "save")  # the submit button
            page.keyboard.press("Enter")
            page.wait_for_selector(".receipt-code")
            page.screenshot(path=SHOTS / "05-saved.png", full_page=True)
            code = page.inner_text(".receipt-code")
            alias = page.inner_text("ul.names strong")
            assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code.strip()), code
            assert alias and "键盘" not in alias

            # The moderator's view of the same console, for the screenshots.
            m_password, m_secret = demo_account(log, "demo-moderator")
            moderator = context.new_page()
            context.clear_cookies()
            sign_in(moderator, url, "demo-moderator", m_password, m_secret, shots=False)
            moderator.goto(url + "/console/review/")
            moderator.screenshot(path=SHOTS / "06-review.png", full_page=True)
            moderator.goto(url + "/console/moderation/")
            moderator.screenshot(path=SHOTS / "07-moderation.png", full_page=True)
        finally:
            context.close()

    totals = json.loads(run_tuidang(demo_server.data_dir, "tally").stdout)
    assert totals["persons"] == 1 and totals["declarations"] == 1
    assert (SHOTS / "05-saved.png").stat().st_size > 1000
