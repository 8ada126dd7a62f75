"""Logging without visitors (THREAT_MODEL.md C3).

Django logs every refused request with its path ("Not Found: /receipt/…",
"Bad Request: /declare/", "Forbidden (CSRF …): /declare/") on `django.request`
and `django.security.csrf`, and every suspicious one with its message on
`django.security.<ExceptionClass>` (DisallowedHost writes the Host header), and
it attaches the request to these records. gunicorn writes the URI of a request
it failed to handle and the peer address and text of a malformed one. Under
journald every such line gets a time stamp, which would date a declarant's
visit.

So on those loggers, before any handler sees a record:
- a refused request (4xx, anything on `django.security.*`) leaves no record;
- a server error (5xx) keeps its exception and status, with the path replaced
  by the route pattern that matched (`<unmatched>` when none did);
- the request attached to a record is dropped;
- the debug records of `django.template` and `django.db.backends`, which quote
  a template's context (the request and its path) and SQL parameters, are
  dropped.

`configure` (settings' LOGGING_CONFIG) installs the filter on every logger
Django names after a SuspiciousOperation class; the handlers carry it too, as a
net for any record from those loggers that reaches them some other way.
"""

import logging
import logging.config

#: Loggers whose records come from a visitor's request.
REQUEST_LOGGERS = ("django.request", "django.security", "django.server")
#: Loggers whose debug records quote what a visitor sent: a template's context
#: (the request, its path in every language link) and SQL with its parameters.
#: Their warnings and errors pass.
QUOTING_LOGGERS = ("django.template", "django.db.backends")
UNMATCHED = "<unmatched>"


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _from_a_request(name: str) -> bool:
    return _under(name, REQUEST_LOGGERS)


def route_of(request) -> str:
    """The URL pattern that matched the request, never the path itself."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    return "/" + route if route is not None else UNMATCHED


class NoVisitorFilter(logging.Filter):
    """Drops refused requests, reduces server errors to their route, and removes
    the request from every record of the request loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _under(record.name, QUOTING_LOGGERS) and record.levelno < logging.WARNING:
            return False
        if not _from_a_request(record.name):
            if hasattr(record, "request"):
                record.request = None
            return True
        status = getattr(record, "status_code", None)
        server_error = (
            record.name == "django.request"
            and record.levelno >= logging.ERROR
            and (status is None or status >= 500)
        )
        if not server_error:
            return False
        request = getattr(record, "request", None)
        record.msg = "Server error %s at route %s"
        record.args = (status if status is not None else 500, route_of(request))
        record.request = None
        record.stack_info = None
        return True


# Messages gunicorn's error log writes about one request: the URI of a request
# that failed (kept without it), and the peer address and text of a malformed
# one (dropped: gunicorn answers it with a 4xx before Django sees it).
_GUNICORN_FAILED = "Error handling request"
_GUNICORN_INVALID = "Invalid request from ip="


class GunicornNoVisitorFilter(logging.Filter):
    """For gunicorn's error logger (server/gunicorn_conf.py). Imports nothing of
    Django: gunicorn's master loads it before any application."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith(_GUNICORN_INVALID):
            return False
        if message.startswith(_GUNICORN_FAILED):
            record.msg = "Error handling a request"
            record.args = ()
        return True


def _suspicious_operation_names() -> set[str]:
    """Every class name Django may log a refused request under
    (`django.security.<name>`), including its own CSRF logger."""
    from django.core import exceptions

    try:  # the sessions app defines two more, when installed
        import django.contrib.sessions.exceptions  # noqa: F401
    except ImportError:  # pragma: no cover
        pass
    names = {"csrf"}
    pending = [exceptions.SuspiciousOperation]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return names


def configure(config: dict) -> None:
    """LOGGING_CONFIG: dictConfig, then the filter on every request logger."""
    logging.config.dictConfig(config)
    names = [*REQUEST_LOGGERS, *QUOTING_LOGGERS]
    names += [f"django.security.{name}" for name in sorted(_suspicious_operation_names())]
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoVisitorFilter) for f in logger.filters):
            logger.addFilter(NoVisitorFilter())
