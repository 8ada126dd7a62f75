"""Nothing on disk dates a declaration finer than its publication batch.

A real server (gunicorn, demo settings) publishes every PUBLISH_INTERVAL
seconds. The test takes a declaration in by every channel — the web form, the
API, a hotline call and a transcribed banknote photo in the console, a partner
import — accepts the web one, waits for the batch, and then reads the data
folder:
- every file and folder written since the server started carries the start
  of a slot as its modification time (the log's files, the SQLite files),
  never the second of an intake;
- no value in any table of the database (the audit log, sessions, devices,
  ...) holds a time whose minute and second are those of an intake or the
  acceptance (the volunteer signed in at another second, which may show);
- the server's log holds nothing of the failed requests made meanwhile."""

import base64
import io
import re
import sqlite3
import time
from pathlib import Path

import pytest
import requests
from django_otp.oath import totp
from PIL import Image

from .conftest import RunningServer, run_tuidang

pytestmark = pytest.mark.server

PUBLISH_INTERVAL = 15
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def sign_in(url: str, log: str, login: str) -> requests.Session:
    password, secret = re.search(
        rf"login {login}\s+password (\S+)\s+TOTP secret ([A-Z2-7]+)", log
    ).groups()
    session = requests.Session()
    page = session.get(url + "/console/login/").text
    session.post(
        url + "/console/login/",
        {
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            "username": login,
            "password": password,
        },
        headers={"Referer": url + "/console/login/"},
    )
    page = session.get(url + "/console/login/code/").text
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    answer = session.post(
        url + "/console/login/code/",
        {"csrfmiddlewaretoken": TOKEN.search(page).group(1), "code": f"{totp(key):06d}"},
        headers={"Referer": url + "/console/login/code/"},
        allow_redirects=False,
    )
    assert answer.headers.get("Location") == "/console/", answer.text
    return session


def console_intake(session: requests.Session, url: str, path: str, data: dict, files=None):
    page = session.get(url + path).text
    form = {
        "csrfmiddlewaretoken": TOKEN.search(page).group(1),
        "token": hidden(page, "token"),
        "slots": hidden(page, "slots"),
        **data,
    }
    answer = session.post(url + path, data=form, files=files, headers={"Referer": url + path})
    assert answer.status_code == 200 and 'class="receipt-code"' in answer.text, answer.text[:2000]


def web_intake(url: str) -> None:
    session = requests.Session()
    page = session.get(url + "/declare/").text
    form = {
        "csrfmiddlewaretoken": TOKEN.search(page).group(1),
        "token": hidden(page, "token"),
        "organisations": "party",
        "naming": "generated_alias",
        "country": "CN",
        "province": "CN-HB",
    }
    answer = session.post(url + "/declare/", form, headers={"Referer": url + "/declare/"})
    assert 'class="receipt-code"' in answer.text


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def wait_off_slot_boundary() -> None:
    """Until a second well inside a slot, so that an intake's second cannot be
    mistaken for a slot's start (which may show anywhere)."""
    while not 3 <= time.time() % PUBLISH_INTERVAL <= PUBLISH_INTERVAL - 4:
        time.sleep(0.2)


class Seconds:
    """The seconds (as "MM:SS") during which intakes were made."""

    def __init__(self):
        self.seen: set[str] = set()

    def during(self, action, *args, **kwargs):
        wait_off_slot_boundary()
        start = time.time()
        result = action(*args, **kwargs)
        for second in range(int(start), int(time.time()) + 1):
            if second % PUBLISH_INTERVAL:  # a slot's start may show anywhere
                self.seen.add(time.strftime("%M:%S", time.gmtime(second)))
        return result


TIME = re.compile(r"\b([0-5][0-9]):([0-5][0-9])(?:\.[0-9]+)?\b")


def times_in_database(path: Path) -> set[str]:
    """Every "MM:SS" of a time written as text, and of a number that could be
    seconds since the epoch, in any table (sealed blobs aside)."""
    found = set()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):  # noqa: S608
                for value in row:
                    if isinstance(value, str):
                        for hours_minutes in re.findall(r"[0-9]{2}:([0-5][0-9]:[0-5][0-9])", value):
                            found.add(hours_minutes)
                    elif isinstance(value, (int, float)) and 1.6e9 < value < 2.2e9:
                        found.add(time.strftime("%M:%S", time.gmtime(value)))
    finally:
        db.close()
    return found


def sign_out(session: requests.Session, url: str) -> None:
    page = session.get(url + "/console/").text
    answer = session.post(
        url + "/console/logout/",
        {"csrfmiddlewaretoken": TOKEN.search(page).group(1)},
        headers={"Referer": url + "/console/"},
        allow_redirects=False,
    )
    assert answer.status_code == 302


def audit_order_hides_the_intakes(path: Path) -> bool:
    """The volunteer's intake events cannot be placed between their sign-in
    and sign-out: they are not in the timed table, and no id of theirs falls
    between two ids of timed events."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        timed = [row[0] for row in db.execute("SELECT id FROM console_auditevent")]
        actions = {row[0] for row in db.execute("SELECT action FROM console_auditevent")}
        intakes = [row[0] for row in db.execute("SELECT id FROM console_declarationevent")]
    finally:
        db.close()
    assert {"login", "logout"} <= actions and len(intakes) >= 2, (actions, intakes)
    return not any(min(timed) < n < max(timed) for n in intakes)


def failed_requests(url: str) -> list[str]:
    """Requests that fail, with a receipt code and a name in their paths;
    returns the strings that must not reach the server's log."""
    requests.get(url + "/receipt/ZQ7X-K4PM-2RTB-9WHC/", timeout=10)
    requests.get(url + "/declare/%E7%8E%8B%E7%A7%80%E8%8B%B1/", timeout=10)
    requests.post(url + "/declare/", data={"true_name": "王秀英"}, timeout=10)
    return ["ZQ7X-K4PM", "王秀英", "%E7%8E%8B", "/declare/%"]


def written_since(folder: Path, since: float) -> dict[str, float]:
    """Every file and folder below `folder` (and itself) modified since
    `since`, with its modification time; the server's own output aside."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        if path.name == "server.log":
            continue  # the test's capture of the server's output (see test_no_visitor_*)
        mtime = path.stat().st_mtime
        if mtime >= since:
            found[str(path.relative_to(folder))] = mtime
    return found


def test_no_file_dates_an_intake_finer_than_its_batch(tmp_path):
    server = RunningServer(
        tmp_path / "data", env={"TUIDANG_PUBLISH_INTERVAL": str(PUBLISH_INTERVAL)}
    )
    try:
        time.sleep(1.5)  # let the sequencer's first pass date the files once
        started = time.time()
        initial = server.tally()["tree_size"]
        log = server.log_path.read_text()
        intakes, sign_ins = Seconds(), Seconds()
        operator = sign_ins.during(sign_in, server.url, log, "demo-operator")
        time.sleep(1.1)  # the sign-in's second (it keeps its time) is not an intake's
        intakes.during(web_intake, server.url)
        api = intakes.during(
            requests.post,
            server.url + "/api/v1/declarations",
            json={
                "organisations": ["party"],
                "people": [{"naming": "generated_alias"}],
                "country": "CN",
            },
            timeout=10,
        )
        assert api.status_code == 201, api.text
        intakes.during(
            console_intake,
            operator,
            server.url,
            "/console/hotline/",
            {
                "channel": "hotline",
                "organisations": ["party"],
                "on_behalf": "self",
                "p1_naming": "generated_alias",
                "country": "CN",
                "notes": "called from a public phone",
            },
        )
        intakes.during(
            console_intake,
            operator,
            server.url,
            "/console/transcribe/banknote-poster/",
            {
                "channel": "banknote_poster",
                "organisations": ["party"],
                "on_behalf": "self",
                "p1_naming": "generated_alias",
                "country": "CN",
            },
            files={"photo": ("note.jpg", photo(), "image/jpeg")},
        )
        time.sleep(1.1)
        sign_out(operator, server.url)  # a timed event after the intakes, at its own second
        time.sleep(1.1)
        intakes.during(run_tuidang, server.data_dir, "import", str(EXAMPLES / "import-sample.csv"))
        intakes.during(run_tuidang, server.data_dir, "accept", "--all")
        never_logged = failed_requests(server.url)
        # web, API, hotline, transcription, and the 4 rows of the sample import
        published = server.wait_for_tree_size(initial + 8, timeout=2 * PUBLISH_INTERVAL + 30)
        assert published["tree_size"] == initial + 8
        time.sleep(2)  # a sequencer pass after the batch's last write
        written = written_since(server.data_dir, started)
        assert written, "nothing was written?"
        off_slot = {
            path: time.strftime("%H:%M:%S", time.gmtime(mtime)) + f"{mtime % 1:.6f}"[1:]
            for path, mtime in written.items()
            if mtime % PUBLISH_INTERVAL != 0
        }
        assert off_slot == {}
        assert any(path.startswith("log") for path in written)
        assert any(path.startswith("tuidang.sqlite3") for path in written)
        assert audit_order_hides_the_intakes(server.data_dir / "tuidang.sqlite3")
        in_database = times_in_database(server.data_dir / "tuidang.sqlite3")
        assert in_database & sign_ins.seen  # the scan sees the sign-in's time
        assert in_database & intakes.seen == set()
    finally:
        server.stop()
    server_log = server.log_path.read_text()
    assert [text for text in never_logged if text in server_log] == []
