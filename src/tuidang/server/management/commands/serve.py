"""`tuidang serve`: the production server (gunicorn), configured from the
environment (docs/settings.md). It refuses to start if the deploy checks fail."""

import os
import sys

from django.core.management import BaseCommand, call_command

CONFIG = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "gunicorn_conf.py"
)


class Command(BaseCommand):
    help = "Run the production web server (gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=None, help="host:port (default TUIDANG_BIND or 127.0.0.1:8000)"
        )

    def handle(self, *args, bind=None, **options):
        call_command("check", deploy=True, fail_level="ERROR")
        exec_gunicorn(bind)


def exec_gunicorn(bind: str | None) -> None:
    """Replace this process with gunicorn (so signals reach it directly)."""
    if bind:
        os.environ["TUIDANG_BIND"] = bind
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(  # noqa: S606 (fixed argv, no shell)
        sys.executable, [sys.executable, "-m", "gunicorn", "-c", CONFIG, "tuidang.wsgi:application"]
    )
