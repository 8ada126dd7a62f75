"""gunicorn configuration for `tuidang serve` and `tuidang demo`.

No access log at all, and an error log without time stamps, so that nothing
gunicorn writes can place a declarant's request in time (THREAT_MODEL.md)."""

import os
import signal
import subprocess
import sys

bind = os.environ.get("TUIDANG_BIND", "127.0.0.1:8000")
# One process per core (2 to 4), four threads each: on SQLite every extra
# process adds hand-overs of the single write lock, while the threads of one
# process share each durable commit (registry/group_commit.py). Measured on
# 2 cores (docs/scaling.md, 8 s of intake): 2 × 4 took 550–660 declarations/s,
# 3 × 4 515–520, 4 × 2 470–490; 2 × 6 was a little faster empty but its p99
# went over 100 ms with 16 million stored. With PostgreSQL on a bigger
# machine, set TUIDANG_WORKERS to its cores.
workers = int(os.environ.get("TUIDANG_WORKERS", str(min(max(2, os.cpu_count() or 2), 4))))
worker_class = "gthread"
threads = int(os.environ.get("TUIDANG_THREADS", "4"))
# Connections one worker holds at a time (busy or kept alive). gunicorn's
# default of 1000 lets whichever worker wakes first take every keep-alive
# connection of a burst: measured under load, one worker then did all the
# work on one core while the others sat idle. Twice the threads keeps a
# request queued behind each busy thread and leaves the rest in the listen
# queue for the other workers. Slow clients cannot pin these slots: nginx
# reads each request whole before it passes it on (docs/deploy.md).
worker_connections = int(os.environ.get("TUIDANG_WORKER_CONNECTIONS", str(2 * threads)))
timeout = 30
graceful_timeout = 10
accesslog = None
disable_redirect_access_to_syslog = True
errorlog = "-"
loglevel = "warning"
# A request line or headers larger than these are refused before Django sees them.
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("TUIDANG_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No visitor's URI, address or header text in the error log either: the filter
# drops gunicorn's lines about malformed requests (it answers them with a 4xx)
# and keeps "Error handling a request" without the URI (web/logging.py).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_visitor": {"()": "tuidang.web.logging.GunicornNoVisitorFilter"}},
    "formatters": {
        "generic": {"format": "%(levelname)s gunicorn: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
            "filters": ["no_visitor"],
        },
    },
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "level": "WARNING",
            "handlers": ["error_console"],
            "filters": ["no_visitor"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}


# The sequencer runs beside the web workers, started and stopped by the master
# (TUIDANG_RUN_SEQUENCER=false when it runs elsewhere, e.g. `tuidang sequencer`).
_sequencer = None


def on_starting(server):
    global _sequencer
    if os.environ.get("TUIDANG_RUN_SEQUENCER", "true").lower() in ("0", "false", "no", "off"):
        return
    _sequencer = subprocess.Popen([sys.executable, "-m", "tuidang.cli", "sequencer"])  # noqa: S603


def on_exit(server):
    if _sequencer is not None and _sequencer.poll() is None:
        _sequencer.send_signal(signal.SIGTERM)
        try:
            _sequencer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _sequencer.kill()
