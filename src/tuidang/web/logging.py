"""Logging filters. Django attaches the request to some log records (4xx/5xx);
a handler that formats it could write headers to a log, so we drop it."""

import logging


class DropRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        return True
