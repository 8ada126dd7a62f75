"""The real server's log (gunicorn's error log and Django's, one stderr) holds no
visitor's path, query, Host header or request text (THREAT_MODEL C3): refused
requests of every kind — 404, 400 (bad Host, malformed request line, bad
header), 403 (CSRF), 405 — with a receipt code and a Chinese name, plain and
percent-encoded, are sent over raw sockets to a live gunicorn; after it stops,
its whole log is searched for them."""

from urllib.parse import quote

import pytest

from .test_oversize_requests import raw_request

pytestmark = pytest.mark.server

CODE = "QX7K-M2PA-9RTB-WE4H"
NAME = "王秀英"
NAME_IN_URL = quote(NAME)
NEEDLES = [CODE, "QX7K", NAME, NAME_IN_URL, NAME_IN_URL.lower(), "evil-host-5519"]


def request(target: str, method: str = "GET", host: str = "127.0.0.1", body: str = "") -> bytes:
    head = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    if body:
        head += (
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        )
    return (head + "\r\n" + body).encode()


def test_refused_requests_leave_nothing_of_the_visitor_in_the_server_log(server):
    answers = [
        raw_request(server, request(f"/receipt/{CODE}/")),
        raw_request(server, request(f"/en/{NAME_IN_URL}/?code={CODE}")),
        raw_request(server, request(f"/api/v1/{CODE}?name={NAME_IN_URL}")),
        raw_request(server, request("/", host=f"{CODE}.evil-host-5519.example")),
        raw_request(server, request("/api/v1/tally", host="evil-host-5519.example")),
        raw_request(server, request(f"/declare/?name={NAME_IN_URL}", "POST", body=f"code={CODE}")),
        raw_request(server, request(f"/api/v1/tally?code={CODE}", "DELETE")),  # 405
        # gunicorn refuses these itself: a malformed request line, a bad header
        raw_request(server, f"GET /{CODE} {NAME_IN_URL} HTTP/1.1\r\n\r\n".encode()),
        raw_request(server, f"GET / HTTP/1.1\r\nHost: x\r\nX-{CODE}\r\n\r\n".encode()),
        raw_request(server, f"GET /{CODE}/{'a' * 5000} HTTP/1.1\r\n\r\n".encode()),
    ]
    statuses = [answer.split(b" ", 2)[1] for answer in answers]
    assert {b"400", b"403", b"404", b"405"} <= set(statuses), statuses
    server.stop()
    log = server.log_path.read_bytes()
    found = [needle for needle in NEEDLES if needle.encode() in log]
    assert found == [], log.decode("utf-8", "replace")[-3000:]
