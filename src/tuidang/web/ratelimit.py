"""Rate limits on public intake that keep no address.

`RateLimitMiddleware` runs before `ForgetClientMiddleware`, the only moment the
client's address is known. For the intake POSTs — declare, declare for others,
receipt lookup, withdrawal by receipt code and `POST /api/v1/declarations` —
it counts requests per client in fixed windows and refuses them with 429 once a
client's count passes the limit:

- under /api/ at once, with the API's JSON error body;
- on the site's forms by `RefuseOverLimitMiddleware`, which comes after
  CsrfViewMiddleware and answers in place of the view: the form comes back in
  the site's layout with what the person typed and a message saying when they
  can send it again (public/views/errors.py). Only a request whose CSRF token
  was good (a page of this site) gets its own text back; a forged cross-site
  post is refused by the CSRF check first.

What it keeps, and for how long:

- a **window secret**: 32 random bytes per window, in Django's cache, expiring
  two windows later (then nobody, not even with the server's secret key, can
  tell which address a counter belonged to);
- **counters**: `HMAC-SHA256(window secret, scope + address)` → a number, in the
  cache, expiring with their window (minutes).

The address itself is never stored, logged or put on the request. With the
default local-memory cache each worker process counts on its own (the limit is
then per worker); a shared cache (`CACHES`) makes it one limit for all.

Limits come from `TUIDANG_RATE_LIMITS`, e.g. `intake=10/600 receipt=30/600`
(at most 10 declarations and 30 receipt lookups or withdrawals per client per
10 minutes); `off` disables them. Behind a reverse proxy the client's address is
taken from the header named by `TUIDANG_CLIENT_ADDRESS_HEADER` (e.g. `X-Real-IP`,
which the proxy must overwrite); see docs/deploy.md, also for Tor circuits.
"""

import functools
import hashlib
import hmac
import json
import math
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tuidang.api.middleware import API_PREFIX
from tuidang.web.middleware import add_security_headers

CACHE_PREFIX = "tuidang-ratelimit"
# The request attribute that marks a site request over its limit: the seconds
# until the client's window ends (no address, no count).
OVER_LIMIT = "tuidang_over_limit"
# The view that answers such a request: (request, retry_after) -> response.
REFUSAL_VIEW = "tuidang.public.views.errors.too_many_requests"
REFUSER = "tuidang.web.ratelimit.RefuseOverLimitMiddleware"
CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
# The clock windows are cut from (tests pin it, so that no test straddles two windows).
clock = time.time


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


@functools.cache
def parse_limits(text: str) -> dict[str, Limit]:
    """`intake=10/600 receipt=30/600` → {scope: Limit}; `off` → {}. Fails closed."""
    if text.strip().lower() == "off":
        return {}
    limits = {}
    for item in text.replace(",", " ").split():
        match = re.fullmatch(r"(intake|receipt)=([1-9][0-9]{0,6})/([1-9][0-9]{0,5})", item)
        if match is None:
            raise ImproperlyConfigured(
                f"TUIDANG_RATE_LIMITS: {item!r} is not scope=count/seconds "
                "(scopes: intake, receipt), e.g. intake=10/600."
            )
        limits[match.group(1)] = Limit(int(match.group(2)), int(match.group(3)))
    return limits


def _language_prefix() -> str:
    codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return f"(?:(?P<language>{codes})/)?"


@functools.cache
def _routes() -> list[tuple[re.Pattern, str]]:
    prefix = _language_prefix()
    return [
        (re.compile(rf"/{prefix}declare/(?:for-others/)?"), "intake"),
        (re.compile(r"/api/v1/declarations/?"), "intake"),
        # A withdrawal tries a receipt code like a lookup: one limit for both.
        (re.compile(rf"/{prefix}receipt/(?:withdraw/)?"), "receipt"),
    ]


def scope_of(path: str) -> tuple[str, str | None] | None:
    """(scope, language in the URL or None) for a rate-limited path, else None."""
    for pattern, scope in _routes():
        if match := pattern.fullmatch(path):
            return scope, match.groupdict().get("language")
    return None


def client_address(request) -> str:
    header = settings.TUIDANG_CLIENT_ADDRESS_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        # A proxy may append; the last hop it added is the one it saw.
        value = value.split(",")[-1].strip()
        if value:
            return value
    return request.META.get("REMOTE_ADDR", "")


def _window_secret(cache, seconds: int, window: int) -> bytes:
    key = f"{CACHE_PREFIX}:secret:{seconds}:{window}"
    cache.add(key, secrets.token_hex(32), timeout=2 * seconds)
    value = cache.get(key)
    return bytes.fromhex(value)


def count(scope: str, limit: Limit, address: str, *, now: float | None = None) -> tuple[int, int]:
    """Add one request of `address` to its counter; (count so far, seconds left in window)."""
    now = clock() if now is None else now
    window = int(now // limit.seconds)
    cache = caches[settings.TUIDANG_RATE_LIMIT_CACHE]
    secret = _window_secret(cache, limit.seconds, window)
    digest = hmac.new(secret, f"{scope}\n{address}".encode(), hashlib.sha256).hexdigest()[:32]
    key = f"{CACHE_PREFIX}:count:{scope}:{window}:{digest}"
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        so_far = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit.seconds + 1)
        so_far = 1
    left = max(1, math.ceil((window + 1) * limit.seconds - now))
    return so_far, left


def check_order(middleware: list[str]) -> None:
    """A request over the limit goes on down the stack and only the refuser stops
    it before its view: without the refuser (after the CSRF check) it would be
    recorded. Fails closed at start-up."""
    if (
        REFUSER not in middleware
        or CSRF_MIDDLEWARE not in middleware
        or middleware.index(REFUSER) < middleware.index(CSRF_MIDDLEWARE)
    ):
        raise ImproperlyConfigured(
            f"MIDDLEWARE: {REFUSER} must come after {CSRF_MIDDLEWARE} "
            "(it refuses the requests RateLimitMiddleware counted over the limit)."
        )


class RateLimitMiddleware:
    """Must come before ForgetClientMiddleware in MIDDLEWARE (it needs the address)."""

    def __init__(self, get_response):
        self.get_response = get_response
        parse_limits(settings.TUIDANG_RATE_LIMITS)  # a malformed setting stops the start
        check_order(list(settings.MIDDLEWARE))

    def __call__(self, request):
        if request.method == "POST":
            over = self._check(request)
            if over is not None:
                language, retry_after = over
                if request.path_info.startswith(API_PREFIX):
                    return too_many_requests(request, language, retry_after)
                # The site's answer needs its session, language and CSRF check:
                # RefuseOverLimitMiddleware gives it in place of the view.
                setattr(request, OVER_LIMIT, retry_after)
        return self.get_response(request)

    def _check(self, request) -> tuple[str | None, int] | None:
        """(language in the URL, seconds left in the window) if over the limit, else None."""
        limits = parse_limits(settings.TUIDANG_RATE_LIMITS)
        if not limits:
            return None
        found = scope_of(request.path_info)
        if found is None or found[0] not in limits:
            return None
        scope, language = found
        so_far, retry_after = count(scope, limits[scope], client_address(request))
        if so_far <= limits[scope].count:
            return None
        return language, retry_after


class RefuseOverLimitMiddleware:
    """Answers a site request that RateLimitMiddleware found over its limit, in
    place of its view (`REFUSAL_VIEW`: 429, the form with what was typed). Must
    come after CsrfViewMiddleware in MIDDLEWARE, so that a post is first checked
    to come from this site's own page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        retry_after = getattr(request, OVER_LIMIT, None)
        if retry_after is None:
            return None
        response = import_string(REFUSAL_VIEW)(request, retry_after)
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response


def too_many_requests(request, language: str | None, retry_after: int) -> HttpResponse:
    """The API's 429: JSON in the language of Accept-Language."""
    if language is None:
        language = translation.get_language_from_request(request)
    with translation.override(language):
        message = _(
            "Too many requests came from your connection in a short time. Nothing was "
            "recorded. Please wait a few minutes, then send the form again."
        )
    body = json.dumps({"error": message, "fields": {}}, ensure_ascii=False)
    response = HttpResponse(body, status=429, content_type="application/json")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    # This answer leaves before the middleware that adds these headers runs.
    return add_security_headers(response)
