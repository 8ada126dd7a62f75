"""A phone with JavaScript off: Debian's Chromium (driven by Playwright, with
scripts disabled, 360 px wide) declares on the real server, reads the receipt
code off the page, then looks the receipt up. Catches what the test client
cannot: the browser's own Origin and Referer rules meeting our CSRF check."""

import re
import tempfile

import pytest

from ..browser import launch
from ..server.conftest import RunningServer

pytestmark = pytest.mark.server


def test_a_declarant_with_javascript_off_declares_and_checks_the_receipt(tmp_path):
    from playwright.sync_api import sync_playwright

    server = RunningServer(tmp_path / "data")
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            browser = launch(
                playwright,
                profile,
                java_script_enabled=False,
                viewport={"width": 360, "height": 740},
            )
            page = browser.new_page()
            page.goto(server.url + "/declare/")
            page.check("input[name=organisations][value=league]")
            page.fill("input[name=true_name]", "浏览器测试")
            page.fill("textarea[name=statement]", "我声明退出共青团。")
            page.click("button[type=submit]")
            assert page.url == server.url + "/declare/"  # no redirect carrying the code
            code = page.inner_text(".receipt-code").strip()
            assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code), page.content()[:2000]
            page.screenshot(path=str(tmp_path / "receipt.png"))

            page.goto(server.url + "/receipt/")
            page.fill("input[name=code]", code.lower())
            page.click("button[type=submit]")
            assert "已收到，等待审核" in page.content()
            assert code not in page.url
            page_width = page.evaluate("document.documentElement.scrollWidth")
            assert page_width <= 360
            browser.close()
    finally:
        server.stop()
