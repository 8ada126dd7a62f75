"""A caller signs in to a real server (gunicorn, SQLite in WAL mode), takes
the next call and records the target's agreement under an alias we make.
Then every byte of the data folder (database, WAL, logs) is read: the
target's name and phone are nowhere in the clear, while `age -d` with the
demo custodian key opens the sealed copy. Call records hold no time of day."""

import http.cookiejar
import json
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.console.test_browser_hotline import demo_account, totp_code

from .conftest import run_tuidang

pytestmark = pytest.mark.server

NAME = "隐私对象樊某某处长"
UNIT = "某某县信访局磁盘测试科"
PHONE = "+861065527731"
NEEDLES = {"name": NAME, "unit": UNIT, "phone": "1065527731"}

SETUP = f"""
import datetime
from tuidang.campaigns.models import CallingWindow, Campaign, Target
today = datetime.date.today()
campaign = Campaign.objects.create(
    name="Disk scan", status="running",
    start_day=today - datetime.timedelta(days=2), end_day=today + datetime.timedelta(days=30))
for day in range(7):
    CallingWindow.objects.create(
        campaign=campaign, weekday=day, start=datetime.time(0), end=datetime.time.max)
Target.objects.create(
    campaign=campaign, name_or_title={NAME!r}, unit={UNIT!r}, phone_e164={PHONE!r},
    phone_key="disk-scan-key", time_zone="Asia/Shanghai", time_zone_source="file",
    priority=100)  # before the demo's practice targets
"""


def hits(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for label, needle in NEEDLES.items():
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if needle.encode(encoding) in data:
                    found.append(f"{label} ({encoding}) in {path.name}")
    return found


class Console:
    """A browser-like session of the console over HTTP, CSRF included."""

    def __init__(self, base_url: str):
        self.base = base_url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, path: str) -> tuple[str, str]:
        response = self.opener.open(self.base + path, timeout=30)
        return response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict, page: str) -> tuple[str, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}, doseq=True)
        request = urllib.request.Request(
            self.base + path, data=data.encode(), headers={"Referer": self.base + path}
        )
        response = self.opener.open(request, timeout=30)
        return response.geturl(), response.read().decode()

    def sign_in(self, login: str, password: str, secret: str) -> None:
        _url, page = self.get("/console/login/")
        _url, page = self.post("/console/login/", {"username": login, "password": password}, page)
        while 30 - time.time() % 30 < 4:  # never send a code about to expire
            time.sleep(0.5)
        url, _page = self.post("/console/login/code/", {"code": totp_code(secret)}, page)
        assert url.endswith("/console/"), url


def test_an_agreed_targets_name_and_phone_leave_the_disk_and_stay_sealed(server, tmp_path):
    run_tuidang(server.data_dir, "shell", "-v", "0", "-c", SETUP)
    password, secret = demo_account(server.log_path.read_text(), "demo-caller")
    console = Console(server.url)
    console.sign_in("demo-caller", password, secret)

    _url, calls = console.get("/console/calls/")
    call_url, page = console.post("/console/calls/next/", {}, calls)
    assert NAME in page and PHONE in page.replace(" ", "")  # the caller sees them
    target = re.search(r"/console/calls/(\d+)/$", call_url).group(1)
    _url, agreed = console.get(f"/console/calls/{target}/agreed/")
    token = re.findall(r'name="token" value="([^"]+)"', agreed)[0]
    _url, done = console.post(
        f"/console/calls/{target}/agreed/alias/",
        {"organisations": "party", "token": token},
        agreed,
    )
    assert 'class="alias-large"' in done and NAME not in done

    assert hits(server.data_dir) == []  # while running: database, -wal, -shm, logs
    server.stop()
    assert hits(server.data_dir) == []

    with sqlite3.connect(server.data_dir / "tuidang.sqlite3") as db:
        (sealed,) = db.execute(
            "SELECT sealed_identity FROM campaigns_target WHERE sealed_identity IS NOT NULL"
        ).fetchone()
        call_columns = {row[1]: row[2] for row in db.execute("PRAGMA table_info(campaigns_call)")}
        (outcome, day) = db.execute("SELECT outcome, day FROM campaigns_call").fetchone()
    assert outcome == "agreed" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
    assert not any(kind.lower() in ("datetime", "time") for kind in call_columns.values())
    assert "declaration_id" not in call_columns
    sealed_path = tmp_path / "target.age"
    sealed_path.write_bytes(sealed)
    opened = subprocess.run(
        [
            shutil.which("age") or "age",
            "-d",
            "-i",
            str(server.data_dir / "DEMO-ONLY-custodian-identity.txt"),
            str(sealed_path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert json.loads(opened) == {"v": 1, "name_or_title": NAME, "unit": UNIT, "phone": PHONE}
