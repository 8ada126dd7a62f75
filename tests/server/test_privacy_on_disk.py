"""Declares through the real HTTP stack with a distinctive true name, contact,
client address and user agent, then reads every byte in the data folder
(database, WAL, logs, keys) and finds none of them in the clear — and opens the
sealed identity with the `age` command-line tool and the demo custodian key."""

import http.cookiejar
import json
import re
import shutil
import sqlite3
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import run_tuidang

pytestmark = pytest.mark.server

TRUE_NAME = "隐私测试樊某某"
CONTACT = "privacy-probe-contact-7731@example.invalid"
USER_AGENT = "PrivacyProbeAgent/9.9 (distinctive-ua-4412)"
CLIENT_ADDRESS = "203.0.113.77"


def secrets_in(path: Path) -> list[str]:
    data = path.read_bytes()
    found = []
    for label, needle in {
        "true name": TRUE_NAME,
        "contact": CONTACT,
        "user agent": "distinctive-ua-4412",
        "client address": CLIENT_ADDRESS,
    }.items():
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if needle.encode(encoding) in data:
                found.append(f"{label} ({encoding}) in {path.name}")
    return found


def scan(folder: Path) -> list[str]:
    return [hit for path in folder.rglob("*") if path.is_file() for hit in secrets_in(path)]


def declare_over_http(base_url: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    headers = {
        "User-Agent": USER_AGENT,
        "X-Forwarded-For": CLIENT_ADDRESS,
        "X-Real-IP": CLIENT_ADDRESS,
    }
    page = (
        opener.open(urllib.request.Request(base_url + "/declare/", headers=headers)).read().decode()
    )
    form = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(
            1
        ),
        "token": re.search(r'name="token" value="([^"]+)"', page).group(1),
        "organisations": "party",
        "naming": "generated_alias",
        "true_name": TRUE_NAME,
        "contact": CONTACT,
        "country": "CN",
        "province": "CN-HB",
        "statement": "我声明退出。",
    }
    request = urllib.request.Request(
        base_url + "/declare/",
        data=urllib.parse.urlencode(form).encode(),
        headers={**headers, "Referer": base_url + "/declare/"},
    )
    response = opener.open(request)
    assert "no-store" in response.headers["Cache-Control"]
    html = response.read().decode()
    return re.search(r'class="receipt-code">([0-9A-Z-]+)<', html).group(1)


def test_nothing_identifying_reaches_the_disk_and_custodians_can_open_the_seal(server, tmp_path):
    code = declare_over_http(server.url)
    assert code
    run_tuidang(server.data_dir, "accept", "--all")
    assert server.wait_for_tree_size(1)["totals"]["persons"] == 1

    assert scan(server.data_dir) == []  # while running: database, -wal, -shm, logs
    server.stop()
    assert scan(server.data_dir) == []  # after the WAL was checkpointed

    with sqlite3.connect(server.data_dir / "tuidang.sqlite3") as db:
        (sealed_identity,) = db.execute("SELECT sealed_identity FROM registry_person").fetchone()
        (sealed_contact,) = db.execute("SELECT sealed_contact FROM registry_declaration").fetchone()
        columns = [row[1] for row in db.execute("PRAGMA table_info(registry_declaration)")]
    assert not any("time" in column or "created" in column or "ip" == column for column in columns)
    identity_file = server.data_dir / "DEMO-ONLY-custodian-identity.txt"
    for sealed, expected in ((sealed_identity, TRUE_NAME), (sealed_contact, CONTACT)):
        sealed_path = tmp_path / "sealed.age"
        sealed_path.write_bytes(sealed)
        opened = subprocess.run(
            [shutil.which("age") or "age", "-d", "-i", str(identity_file), str(sealed_path)],
            capture_output=True,
            check=True,
        ).stdout
        assert expected in json.loads(opened).values()
