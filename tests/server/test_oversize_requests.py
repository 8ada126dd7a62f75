"""Oversize and malformed requests against the live server (THREAT_MODEL C10):
gunicorn's limits (server/gunicorn_conf.py: limit_request_line,
limit_request_fields, limit_request_field_size) refuse an oversize request line,
an oversize header field and too many header fields with a 4xx before Django
sees them — never a 500 — and the server goes on serving normal requests."""

import socket
import urllib.request

import pytest

from tuidang.server import gunicorn_conf

pytestmark = pytest.mark.server


def raw_request(server, request: bytes) -> bytes:
    """Send bytes as they are; return what the server answers before closing."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while we were still sending: read what it said
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer


def status_of(answer: bytes) -> int:
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1."), answer[:200]
    return int(status_line.split()[1])


def request(path: str = "/", headers: list[tuple[str, str]] = ()) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


LINE = gunicorn_conf.limit_request_line
FIELD = gunicorn_conf.limit_request_field_size
FIELDS = gunicorn_conf.limit_request_fields
# name → (raw request, the status gunicorn answers it with)
OVERSIZE = {
    "request line": (request("/" + "a" * (LINE + 100)), 414),
    "header field": (request(headers=[("X-Big", "b" * (FIELD + 100))]), 431),
    "header name": (request(headers=[("X-" + "n" * (FIELD + 100), "1")]), 431),
    "header count": (request(headers=[(f"X-Many-{n}", "x") for n in range(FIELDS + 10)]), 431),
    "malformed header": (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon here\r\n\r\n", 400),
    "malformed request line": (b"GET\r\n\r\n", 400),
}


def test_oversize_and_malformed_requests_get_a_4xx_and_the_server_keeps_serving(server):
    for name, (raw, expected) in OVERSIZE.items():
        answer = raw_request(server, raw)
        assert status_of(answer) == expected, f"{name}: {answer[:300]!r}"
        # Refused by gunicorn before Django (whose answers carry our CSP), and
        # the oversize value is not echoed back.
        assert b"Content-Security-Policy" not in answer, name
        assert b"a" * 200 not in answer and b"b" * 200 not in answer, name
    # Headers just inside the limits are served normally.
    fine = request(headers=[(f"X-Fine-{n}", "y" * 100) for n in range(20)])
    assert status_of(raw_request(server, fine)) == 200
    with urllib.request.urlopen(server.url + "/api/v1/ping", timeout=10) as response:
        assert response.status == 200
    assert server.process.poll() is None
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and " 500 " not in log
