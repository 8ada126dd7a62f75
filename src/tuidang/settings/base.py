"""Settings shared by every environment. Nothing here is secret or host-specific;
those come from `TUIDANG_*` variables read in the modules that import this one."""

from pathlib import Path

import dj_database_url

from tuidang.settings import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent

DATA_DIR = Path(env.string("DATA_DIR", "data")).resolve()


def database_from_url(url: str) -> dict:
    """Django DATABASES entry for a URL; SQLite gets WAL and fully durable commits."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's SQLite backend, with writers queueing fairly (tuidang/sqlite_engine).
        config["ENGINE"] = "tuidang.sqlite_engine"
        # Connections stay open between requests (one per worker thread):
        # opening one costs milliseconds (functions to register, the pragmas
        # below, and closing the last one checkpoints the WAL).
        config["CONN_MAX_AGE"] = None
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer commits; synchronous=FULL
            # makes every acknowledged commit survive power loss and kill -9.
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASE_URL = env.string("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tuidang.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "tuidang.registry",
    "tuidang.public",
    "tuidang.api",
    "tuidang.server",
    "tuidang.transparency",
    "tuidang.console",
    "tuidang.importing",
    "tuidang.campaigns",
]

MIDDLEWARE = [
    # Counts intake POSTs per client under a short-lived keyed hash; keeps no address.
    "tuidang.web.ratelimit.RateLimitMiddleware",
    # Then, before any other code: forget who is asking, so nothing can see or log it.
    "tuidang.web.middleware.ForgetClientMiddleware",
    "tuidang.api.middleware.JsonErrorsMiddleware",
    "tuidang.web.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tuidang.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions, locale, common, auth and OTP: for the site, not the API.
    "tuidang.web.site_middleware.SiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check: answers a form post over the rate limit in place of its view.
    "tuidang.web.ratelimit.RefuseOverLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tuidang.urls"
WSGI_APPLICATION = "tuidang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "tuidang.public.context_processors.site",
            ],
        },
    },
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Languages: Simplified Chinese is the default and has no URL prefix.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Declarations carry a day only; days are UTC days everywhere.
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Bodies: a declaration is small. Larger uploads (console photos) get their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
TUIDANG_MAX_BODY_BYTES = env.integer("MAX_BODY_BYTES", 64 * 1024, minimum=1024)

# Security defaults valid everywhere.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it, browsers send `Origin: null` on form posts and
# Django's CSRF check refuses every form. Same-origin referrers only reach us,
# and ForgetClientMiddleware drops them; other sites get nothing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tuidang.public.views.errors.csrf_failure"
SESSION_COOKIE_AGE = 60 * 60 * 8

# Rate limits on public intake (tuidang/web/ratelimit.py): per client and window,
# counted under a keyed hash that is forgotten within minutes; no address is kept.
TUIDANG_RATE_LIMITS = env.string("RATE_LIMITS", "intake=10/600 receipt=30/600")
TUIDANG_RATE_LIMIT_CACHE = "default"
# Proof of work on public intake (tuidang/web/proof_of_work.py): 0 = off (the
# default), else the difficulty in leading zero bits of SHA-256 (`on` = 16).
TUIDANG_PROOF_OF_WORK = env.off_or_integer("PROOF_OF_WORK", on=16, minimum=2, maximum=32)
# Header the reverse proxy puts the client's address in (empty: the connection's address).
TUIDANG_CLIENT_ADDRESS_HEADER = env.string("CLIENT_ADDRESS_HEADER", "")
# /.well-known/security.txt (RFC 9116): where to report a vulnerability.
TUIDANG_SECURITY_CONTACTS = env.word_list("SECURITY_CONTACTS", [])

# The registry.
TUIDANG_ORGANISATIONS = env.word_list("ORGANISATIONS", ["party", "league", "pioneers"])
# age public keys (age1...). When empty, the file custodians.txt in the data folder is used.
TUIDANG_CUSTODIAN_RECIPIENTS = env.word_list("CUSTODIAN_RECIPIENTS", [])
TUIDANG_MILESTONE_STEP = env.integer("MILESTONE_STEP", 1_000_000, minimum=1)
TUIDANG_MILESTONES_NAMED = [
    int(value) for value in env.word_list("MILESTONES_NAMED", ["100000", "500000"])
]
TUIDANG_STATEMENTS_PER_PAGE = 20

# The public log (docs/log-format.md, docs/log-keys.md).
TUIDANG_LOG_DIR = Path(env.string("LOG_DIR", str(DATA_DIR / "log"))).resolve()
TUIDANG_LOG_SIGNING_KEY_FILE = Path(
    env.string("LOG_SIGNING_KEY_FILE", str(DATA_DIR / "log-signing-key"))
).resolve()
TUIDANG_LOG_ORIGIN = env.string("LOG_ORIGIN", "tuidang.invalid/log")
TUIDANG_SEQUENCER_INTERVAL = float(env.string("SEQUENCER_INTERVAL", "1.0"))
TUIDANG_SEQUENCER_BATCH = env.integer("SEQUENCER_BATCH", 65536, minimum=1)
# Publication in batches (transparency/schedule.py): accepted declarations and
# revocations enter the log, the published totals and the published statements
# once per interval (seconds), at slots aligned to PUBLISH_AT (HH:MM, UTC).
# 0 publishes on every sequencer pass: that dates each intake to the second,
# so only the test settings use it.
TUIDANG_PUBLISH_INTERVAL = env.integer("PUBLISH_INTERVAL", 86400, minimum=0)
TUIDANG_PUBLISH_AT = env.time_of_day("PUBLISH_AT", "00:00")

# Logs: no time stamps, no client addresses, no request objects (see THREAT_MODEL.md).
# No visitor's path, query, body or header reaches a log (web/logging.py).
LOGGING_CONFIG = "tuidang.web.logging.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_visitor": {"()": "tuidang.web.logging.NoVisitorFilter"},
    },
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_visitor"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Django's own access-style logger; we never want it.
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
ADMINS = []
