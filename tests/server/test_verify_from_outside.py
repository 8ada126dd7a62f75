"""The whole path a sceptic takes: declarations go in over HTTP, are accepted,
the running sequencer publishes a checkpoint, and the verifier — with no
database, as `pip install` gives it — checks every receipt and every total
against the live server."""

import json
import subprocess
import sys
import urllib.request

import pytest

from .conftest import run_tuidang

pytestmark = pytest.mark.server


def api_declare(url: str, body: dict) -> str:
    request = urllib.request.Request(
        url + "/api/v1/declarations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.loads(urllib.request.urlopen(request, timeout=10).read())["receipt_code"]


def outside(*args: str) -> subprocess.CompletedProcess:
    """Runs `tuidang` with no settings module and no data folder."""
    return subprocess.run(
        [sys.executable, "-m", "tuidang.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_receipts_and_totals_verify_against_the_live_server(server):
    codes = [
        api_declare(
            server.url, {"organisations": ["party"], "people": [{"naming": "generated_alias"}]}
        ),
        api_declare(
            server.url,
            {
                "organisations": ["league", "pioneers"],
                "unnamed_persons": 3,
                "by_proxy": True,
                "proxy_relationship": "relatives",
                "country": "CN",
                "province": "CN-YN",
            },
        ),
        api_declare(
            server.url, {"organisations": ["party"], "unnamed_persons": 1, "country": "CA"}
        ),
    ]
    run_tuidang(server.data_dir, "accept", "--all")
    published = server.wait_for_tree_size(3)
    assert published["totals"]["persons"] == 5
    vkey = run_tuidang(server.data_dir, "keys", "log-signing").stdout.strip()
    log = server.url + "/log"

    verified = outside("log", "verify", log, "--vkey", vkey, "--quiet")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["totals"] == published["totals"]

    indices = []
    for code in codes:
        found = outside("receipt", code, "--log", log, "--vkey", vkey)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["entry"].startswith("declare ")
        indices.append(json.loads(found.stdout)["index"])
    assert sorted(indices) == [0, 1, 2]  # in the batch's random order
    index = str(indices[1])
    by_index = outside("receipt", codes[1], "--log", log, "--vkey", vkey, "--index", index)
    assert by_index.returncode == 0, by_index.stderr
    other = str(indices[0])
    wrong_index = outside("receipt", codes[1], "--log", log, "--vkey", vkey, "--index", other)
    assert wrong_index.returncode == 1 and "does not commit to this receipt" in wrong_index.stderr

    unknown = outside("receipt", "0000-0000-0000-0000", "--log", log, "--vkey", vkey)
    assert unknown.returncode == 1 and "no entry" in unknown.stderr

    other_key = outside("log", "verify", log, "--vkey", vkey.replace(vkey.split("+")[2], "A" * 44))
    assert other_key.returncode != 0


def test_the_verifier_notices_a_published_total_that_differs_from_the_log(server, tmp_path):
    api_declare(server.url, {"organisations": ["party"], "unnamed_persons": 1})
    run_tuidang(server.data_dir, "accept", "--all")
    published = server.wait_for_tree_size(1)
    published["totals"]["persons"] += 1000
    forged = tmp_path / "tally.json"
    forged.write_text(json.dumps(published))
    vkey = run_tuidang(server.data_dir, "keys", "log-signing").stdout.strip()
    result = outside(
        "log", "verify", server.url + "/log", "--vkey", vkey, "--tally", str(forged), "--quiet"
    )
    assert result.returncode == 1
    assert "TotalMismatch" in result.stderr or "total" in result.stderr.lower()
