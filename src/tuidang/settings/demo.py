"""Demo settings: plain HTTP on 127.0.0.1, a secret key generated into the data
folder on first use. Never DEBUG: the demo shows what production shows."""

import secrets
from pathlib import Path

from tuidang.settings import env
from tuidang.settings.base import *  # noqa: F403
from tuidang.settings.base import DATA_DIR


def _demo_secret_key() -> str:
    path = DATA_DIR / "demo-secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = False
SECRET_KEY = _demo_secret_key()
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

TUIDANG_LOG_ORIGIN = env.string("LOG_ORIGIN", "demo.tuidang.invalid/log")
TUIDANG_LOG_SIGNING_KEY_FILE = Path(
    env.string("LOG_SIGNING_KEY_FILE", str(DATA_DIR / "DEMO-ONLY-log-signing-key"))
).resolve()
# A short publication interval, so that the demo's declarations show soon.
TUIDANG_PUBLISH_INTERVAL = env.integer("PUBLISH_INTERVAL", 30, minimum=0)
