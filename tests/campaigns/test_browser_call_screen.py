"""A real browser (Playwright driving Debian's Chromium) at 360 px walks the
demo caller through a campaign with the keyboard alone, against a real server:
Next call, the call screen (no sideways scrolling, a `tel:` link, nothing
dialled), an outcome, undo, then an agreement under an alias we make, read
back in large type. Screenshots go to build/screenshots/campaigns/."""

import json
import tempfile
from pathlib import Path

import pytest

from tests.browser import launch
from tests.console.test_browser_hotline import demo_account, focused_name, sign_in, tab_to
from tests.server.conftest import RunningServer, run_tuidang

pytestmark = pytest.mark.server

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "campaigns"
WIDTH = 360

SETUP = """
import datetime
from tuidang.campaigns import scripts
from tuidang.campaigns.models import CallingWindow, Campaign, Target
today = datetime.date.today()
campaign = Campaign.objects.create(
    name="致某市公安局各位警官的电话", purpose="请他们了解真相", status="running",
    start_day=today - datetime.timedelta(days=2), end_day=today + datetime.timedelta(days=30))
for day in range(7):
    CallingWindow.objects.create(
        campaign=campaign, weekday=day, start=datetime.time(0), end=datetime.time.max)
scripts.add_version(
    campaign, "## 开场\\n\\n您好，我们从海外打来。请您**听完**再决定。\\n\\n- 一\\n- 二")
for number in (1, 2):
    Target.objects.create(
        campaign=campaign, name_or_title=f"练习处长{number}", unit="某区分局（虚构）",
        sector="police", rank="middle", place="CN-HB", phone_e164=f"+86106552770{number}",
        phone_key=f"browser-key-{number}", time_zone="Asia/Shanghai", time_zone_source="file",
        priority=10 - number)
"""


@pytest.fixture
def demo_server():
    with tempfile.TemporaryDirectory(prefix="tuidang-campaign-browser-") as folder:
        running = RunningServer(Path(folder) / "data")
        try:
            yield running
        finally:
            running.stop()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def press_button(page, text: str, limit: int = 80) -> None:
    """Tab to the button whose text is `text` and press Enter."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement.innerText || '').trim()") == text:
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"Tab never reached the button {text!r}")


def test_a_caller_works_a_call_at_phone_width_with_the_keyboard(demo_server):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    run_tuidang(demo_server.data_dir, "shell", "-v", "0", "-c", SETUP)
    password, secret = demo_account(demo_server.log_path.read_text(), "demo-caller")
    url = demo_server.url
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = launch(playwright, profile, viewport={"width": WIDTH, "height": 780})
        try:
            page = context.new_page()
            sign_in(page, url, "demo-caller", password, secret, shots=False)
            tab_to(page, "/console/calls/")
            page.keyboard.press("Enter")
            page.wait_for_url("**/console/calls/")
            page.screenshot(path=SHOTS / "01-calls.png", full_page=True)
            press_button(page, "下一个电话")
            page.wait_for_url("**/console/calls/*/")
            page.screenshot(path=SHOTS / "02-call-screen.png", full_page=True)
            assert no_sideways_scroll(page)
            # The dial link has the focus first; it is a tel: link, nothing dials.
            assert focused_name(page).startswith("tel:+86")
            assert "练习处长1" in page.inner_text("main")
            assert page.inner_text(".script strong") == "听完"

            tab_to(page, "notes")
            page.keyboard.type("对方说在开会")
            page.keyboard.press("Enter")  # a new line in the notes, never a submission
            assert "/outcome/" not in page.url
            press_button(page, "占线")
            page.wait_for_selector("text=撤销")
            page.screenshot(path=SHOTS / "03-recorded.png", full_page=True)
            assert no_sideways_scroll(page)
            press_button(page, "撤销")
            page.wait_for_url("**/console/calls/*/")
            assert "练习处长1" in page.inner_text("main")

            tab_to(page, page.get_attribute("a[href*='/agreed/']:not([href*='group'])", "href"))
            page.keyboard.press("Enter")
            page.wait_for_url("**/agreed/**")
            page.screenshot(path=SHOTS / "04-agreed.png", full_page=True)
            assert no_sideways_scroll(page)
            # The one-step form has the focus: "All right" is enough.
            page.keyboard.press("Enter")
            page.wait_for_selector(".alias-large")
            page.screenshot(path=SHOTS / "05-alias.png", full_page=True)
            assert len(page.inner_text(".alias-large").strip()) >= 2
            assert "练习处长1" not in page.inner_text("main")
        finally:
            context.close()

    totals = json.loads(run_tuidang(demo_server.data_dir, "tally").stdout)
    assert totals["persons"] == 1 and totals["declarations"] == 1
