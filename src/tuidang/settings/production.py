"""Production settings: fail closed. A secret key and allowed hosts must be given;
HTTPS is assumed (TLS ends at the reverse proxy, see docs/deploy.md)."""

from tuidang.settings import env
from tuidang.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.string("SECRET_KEY", required=True)
ALLOWED_HOSTS = env.word_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set TUIDANG_ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.word_list("CSRF_TRUSTED_ORIGINS", [])
# The log's origin names this deployment: by default its first host name.
TUIDANG_LOG_ORIGIN = env.string("LOG_ORIGIN", f"{ALLOWED_HOSTS[0]}/log")

HTTPS = env.boolean("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.boolean("BEHIND_PROXY", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
