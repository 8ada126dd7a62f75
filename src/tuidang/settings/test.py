"""Test settings: like the demo, with a throwaway data folder and fast hashing.

`TUIDANG_DATABASE_URL` selects the database (SQLite by default; the test command
runs the suite a second time against PostgreSQL)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TUIDANG_DATA_DIR", tempfile.mkdtemp(prefix="tuidang-test-"))

from tuidang.settings.base import *  # noqa: E402, F403
from tuidang.settings.base import DATA_DIR  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TEST_DATA_DIR = Path(DATA_DIR)
TUIDANG_LOG_ORIGIN = "test.tuidang.invalid/log"
# Tests cut a batch on every sequencer pass unless they test the schedule.
TUIDANG_PUBLISH_INTERVAL = 0
# Many tests post from one test client; tests/security/test_rate_limits.py turns limits on.
TUIDANG_RATE_LIMITS = "off"
