"""Fixtures of the security tests: a clean cache for every test (the rate
limiter's counters live there), distinctive client details to look for, and
`every_log_record`: every record of every logger, captured at DEBUG."""

import logging

import pytest
from django.core.cache import caches

# Addresses from the documentation ranges, and a user agent nobody else sends.
CLIENT_ADDRESS = "203.0.113.77"
FORWARDED_ADDRESS = "198.51.100.23"
USER_AGENT = "SecurityProbe/7.1 (distinctive-agent-5519)"
CLIENT = {
    "REMOTE_ADDR": CLIENT_ADDRESS,
    "HTTP_X_FORWARDED_FOR": FORWARDED_ADDRESS,
    "HTTP_X_REAL_IP": FORWARDED_ADDRESS,
    "HTTP_USER_AGENT": USER_AGENT,
}
NEEDLES = {
    "client address": CLIENT_ADDRESS,
    "forwarded address": FORWARDED_ADDRESS,
    "user agent": "distinctive-agent-5519",
}


@pytest.fixture(autouse=True)
def empty_cache():
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


class EverythingHandler(logging.Handler):
    """Formats all a record holds, including the request's META if attached."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        parts = [record.getMessage(), repr(record.args), repr(vars(record))]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        request = getattr(record, "request", None)
        if request is not None:
            parts.append(repr(getattr(request, "META", request)))
        self.lines.append(" ".join(parts))


@pytest.fixture
def every_log_record():
    handler = EverythingHandler()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    yield handler.lines
    for logger, level, disabled in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled
