"""A declaration made over HTTP with an `Idempotency-Key`: its retry gets the
same receipt code, yet no file of the data folder (database, WAL, logs, keys)
holds the code — it is stored as its hash and sealed under a key derived from
the idempotency key, which only the client holds (THREAT_MODEL C5)."""

import json
import sqlite3
import urllib.request
import uuid
from pathlib import Path

import pytest

from tuidang.registry import receipts

from .conftest import run_tuidang

pytestmark = pytest.mark.server

BODY = {
    "organisations": ["party"],
    "people": [{"naming": "generated_alias", "true_name": "回执测试"}],
    "country": "CN",
    "province": "CN-ZJ",
}


def post(base_url: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        base_url + "/api/v1/declarations",
        data=json.dumps(BODY).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def needles(code: str) -> list[bytes]:
    """The code with and without dashes, in UTF-8 and UTF-16."""
    return [
        text.encode(encoding)
        for text in {code, receipts.normalise(code), code.lower(), receipts.normalise(code).lower()}
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    ]


def files_holding(folder: Path, code: str) -> list[str]:
    wanted = needles(code)
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes() for needle in wanted)
    ]


def test_a_retry_gets_the_same_code_and_no_file_holds_it(server, tmp_path):
    key = str(uuid.uuid4())
    status, first = post(server.url, key)
    code = first["receipt_code"]
    assert status == 201 and code and not first["replayed"]
    status, again = post(server.url, key)
    assert status == 200 and again["replayed"] and again["receipt_code"] == code

    run_tuidang(server.data_dir, "accept", "--all")
    server.wait_for_tree_size(1)
    assert post(server.url, key)[1]["receipt_code"] == code  # after acceptance too
    assert files_holding(server.data_dir, code) == []  # running: database, -wal, -shm, logs
    server.stop()
    assert files_holding(server.data_dir, code) == []  # after the WAL was checkpointed

    with sqlite3.connect(server.data_dir / "tuidang.sqlite3") as db:
        rows = db.execute("SELECT sealed_receipt_code FROM registry_declaration").fetchall()
    sealed = [value for (value,) in rows if value is not None]
    assert len(sealed) == 1 and len(sealed[0]) == 45  # stored, sealed

    control = tmp_path / "control"  # the scan finds a code that is there
    (control / "sub").mkdir(parents=True)
    (control / "sub" / "file").write_bytes(b"\x00" + receipts.normalise(code).encode() + b"\x00")
    assert files_holding(control, code) == ["sub/file"]
