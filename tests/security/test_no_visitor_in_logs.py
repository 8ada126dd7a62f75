"""No visitor's path, query, header or body reaches any log record (THREAT_MODEL
C3): refused requests (400, 403, 404, 405) with a receipt code and a Chinese
name in their path, query and Host header leave no trace in any record of any
logger, captured at DEBUG on every logger through the whole middleware stack;
a server error (500) still logs its exception, with the route pattern in place
of the path."""

import logging
import sys
from urllib.parse import quote

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

CODE = "QX7K-M2PA-9RTB-WE4H"
NAME = "王秀英"
NAME_IN_URL = quote(NAME)  # %E7%8E%8B…
NEEDLES = [CODE, NAME, NAME_IN_URL, NAME_IN_URL.lower(), "QX7K", "evil-host-5519"]


def traces(lines: list[str]) -> list[str]:
    return [
        f"{needle!r} in {line[:300]!r}" for line in lines for needle in NEEDLES if needle in line
    ]


def refused_requests(browser: Client) -> list[int]:
    statuses = [
        browser.get(f"/receipt/{CODE}/").status_code,  # 404 on the site
        browser.get(f"/en/{NAME_IN_URL}/?code={CODE}").status_code,  # 404, named
        browser.get(f"/api/v1/{CODE}").status_code,  # 404 under the API
        browser.get(f"/console/join/{CODE}/").status_code,  # 302/404 in the console
        browser.get("/", HTTP_HOST=f"{CODE}.evil-host-5519.example").status_code,  # 400
        browser.get("/api/v1/tally", HTTP_HOST="evil-host-5519.example").status_code,  # 400
        # 400: too many fields (DATA_UPLOAD_MAX_NUMBER_FIELDS), a name in the query
        browser.post(
            f"/declare/?name={NAME_IN_URL}",
            "&".join(f"f{i}={CODE}" for i in range(1100)),
            content_type="application/x-www-form-urlencoded",
        ).status_code,
        # 403: no CSRF token
        browser.post(f"/declare/?name={NAME_IN_URL}", {"organisations": CODE}).status_code,
        browser.put(f"/statements/?code={CODE}").status_code,  # 405
        browser.delete(f"/api/v1/declarations?code={CODE}").status_code,  # 405 under the API
    ]
    return statuses


def test_refused_requests_leave_no_trace_in_any_log_record(every_log_record):
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
    statuses = refused_requests(browser)
    assert {400, 403, 404, 405} <= set(statuses), statuses
    # The capture works (the old code's "Not Found: /receipt/…" was seen here).
    logging.getLogger("tuidang.capture-check").debug("capture check")
    assert any("capture check" in line for line in every_log_record)
    assert traces(every_log_record) == []


@override_settings(ROOT_URLCONF="tests.security.crash_urls")
def test_a_server_error_logs_the_exception_with_the_route_only(every_log_record):
    browser = Client(raise_request_exception=False)
    answer = browser.get(f"/crash/{CODE}-{NAME_IN_URL}/?name={NAME_IN_URL}")
    assert answer.status_code == 500
    errors = [line for line in every_log_record if "the view failed on purpose" in line]
    assert errors, "the exception of a server error must be logged"
    assert any("Server error 500 at route /crash/<str:anything>/" in line for line in errors)
    assert traces(every_log_record) == []


def test_an_unresolvable_path_is_logged_as_unmatched(every_log_record):
    """A 5xx before any route matched (here: the error is raised by a middleware
    that runs before URL resolution) names no path at all."""
    from tuidang.web.logging import NoVisitorFilter, route_of

    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (f"/receipt/{CODE}/",),
        None,
    )
    record.status_code = 500
    record.request = type("Request", (), {"resolver_match": None, "path": f"/receipt/{CODE}/"})()
    assert NoVisitorFilter().filter(record)
    assert record.getMessage() == "Server error 500 at route <unmatched>"
    assert record.request is None
    assert route_of(None) == "<unmatched>"


def test_the_real_handlers_carry_the_filter():
    """The configured handler drops a refused request's record that reaches it
    from a logger the filter was not installed on (a net for new loggers)."""
    from tuidang.web.logging import NoVisitorFilter

    # settings.LOGGING's "console" (pytest adds capture handlers of its own)
    handlers = [h for h in logging.getLogger("django").handlers if type(h) is logging.StreamHandler]
    assert handlers
    assert all(any(isinstance(f, NoVisitorFilter) for f in h.filters) for h in handlers)
    record = logging.LogRecord(
        "django.security.SomeFutureCheck", logging.ERROR, __file__, 1, f"Host {CODE}", (), None
    )
    assert not any(handler.filter(record) for handler in handlers)


def test_gunicorn_keeps_a_failed_request_without_its_uri_and_drops_refused_ones():
    """gunicorn's own lines about one request (workers/base.py handle_error): the
    failure stays, with its exception, but not the URI; a malformed request's
    line (peer address and request text) goes. Wired in server/gunicorn_conf.py."""
    from tuidang.server import gunicorn_conf
    from tuidang.web.logging import GunicornNoVisitorFilter

    config = gunicorn_conf.logconfig_dict
    (name,) = config["loggers"]["gunicorn.error"]["filters"]
    assert config["filters"][name]["()"] == "tuidang.web.logging.GunicornNoVisitorFilter"
    assert name in config["handlers"]["error_console"]["filters"]
    try:
        raise OSError("write failed")
    except OSError:
        failure = sys.exc_info()
    failed = logging.LogRecord(
        "gunicorn.error", logging.ERROR, __file__, 1, "Error handling request %s %s",
        ("GET", f"/receipt/{CODE}/?name={NAME_IN_URL}"), failure,
    )  # fmt: skip
    assert GunicornNoVisitorFilter().filter(failed)
    assert failed.getMessage() == "Error handling a request" and failed.exc_info is failure
    invalid = logging.LogRecord(
        "gunicorn.error", logging.WARNING, __file__, 1,
        f"Invalid request from ip=203.0.113.9: Invalid HTTP request line: 'GET /{CODE}'", (), None,
    )  # fmt: skip
    assert not GunicornNoVisitorFilter().filter(invalid)
