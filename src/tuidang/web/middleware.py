"""Middleware that protects declarants at the HTTP layer.

- `ForgetClientMiddleware` removes the client's address, user agent, referrer and
  every forwarding header from the request before any other code (ours, Django's
  or a library's) can read, store or log them.
- `BodySizeLimitMiddleware` refuses oversize bodies before they are read
  (console upload URLs, under CONSOLE_UPLOAD_PREFIX, get a larger limit for photos).
- `SecurityHeadersMiddleware` adds the headers Django does not set itself
  (Content-Security-Policy, Permissions-Policy, and X-Robots-Tag on everything
  that is not the public read side, see robots.py). A view may widen the CSP
  with `allow_own_script` (the declare pages while proof of work is on).

The rate limiter (ratelimit.py) runs before `ForgetClientMiddleware`: it is the
only code that reads the address, and it keeps none.
"""

import re

from django.conf import settings
from django.http import HttpResponse

from tuidang.web.robots import NOINDEX, is_private

# The address Django and libraries see instead of the client's (TEST-NET-1 is
# never routed, so it cannot be mistaken for anybody).
ANONYMOUS_ADDRESS = "192.0.2.0"

IDENTIFYING_HEADERS = (
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_VIA",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_X_CLUSTER_CLIENT_IP",
    "HTTP_FASTLY_CLIENT_IP",
    "HTTP_X_ORIGINAL_FORWARDED_FOR",
)


class ForgetClientMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        meta["REMOTE_ADDR"] = ANONYMOUS_ADDRESS
        meta.pop("REMOTE_HOST", None)
        meta.pop("REMOTE_PORT", None)
        for header in IDENTIFYING_HEADERS:
            meta.pop(header, None)
        return self.get_response(request)


# Console transcription screens take a photo upload (see tuidang/console/photos.py).
CONSOLE_UPLOAD_PREFIX = "/console/transcribe/"
CONSOLE_UPLOAD_BYTES = 9 * 1024 * 1024
# Campaign leads upload target lists (read in memory, campaigns/views/leads.py)
# and write scripts of up to 50,000 characters.
CAMPAIGN_BODY_LIMITS = (
    (re.compile(r"/console/campaigns/\d+/targets/"), 64 * 1024 * 1024 + 64 * 1024),
    (re.compile(r"/console/campaigns/\d+/script/"), 1024 * 1024),
)


class BodySizeLimitMiddleware:
    """413 for a declared or actual body over TUIDANG_MAX_BODY_BYTES (over
    CONSOLE_UPLOAD_BYTES on the console's upload URLs, over the limits of
    CAMPAIGN_BODY_LIMITS on campaign leads' target and script pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.TUIDANG_MAX_BODY_BYTES
        if request.path.startswith(CONSOLE_UPLOAD_PREFIX):
            limit = max(limit, CONSOLE_UPLOAD_BYTES)
        for pattern, larger in CAMPAIGN_BODY_LIMITS:
            if pattern.fullmatch(request.path):
                limit = max(limit, larger)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._refuse(request, 400, "Content-Length is not a number.")
        if length > limit:
            return self._refuse(request, 413, f"The request body is larger than {limit} bytes.")
        return self.get_response(request)

    @staticmethod
    def _refuse(request, status: int, message: str):
        # Under /api/ the JSON errors middleware turns this into a JSON body.
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
# Only the declare pages, and only while proof of work is on (proof_of_work.py),
# run a script: our own static file. No inline script, no eval, no worker.
CONTENT_SECURITY_POLICY_WITH_OWN_SCRIPT = CONTENT_SECURITY_POLICY + "; script-src 'self'"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def allow_own_script(response):
    """Let this response's page run scripts from this site (and nothing else)."""
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY_WITH_OWN_SCRIPT
    return response


def add_security_headers(response):
    """The headers of SecurityHeadersMiddleware, plus those Django's middleware adds,
    for an answer given before those middleware run (e.g. a 429)."""
    response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    response.setdefault("X-Content-Type-Options", "nosniff")
    response.setdefault("X-Frame-Options", "DENY")
    response.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_private(request.path_info):
            response.setdefault("X-Robots-Tag", NOINDEX)
        return response
