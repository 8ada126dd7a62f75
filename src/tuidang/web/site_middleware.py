"""The middleware only the web site needs, skipped for the JSON API.

The public pages and the console use sessions, a language from the URL or a
cookie, logins and second factors. The API (`/api/`) uses none of them: it
keeps no session and sets no cookie (tests/security/test_csrf.py), and takes
its language from Accept-Language itself. Running those middleware on every
API request cost about a tenth of an intake request's CPU, so
`SiteMiddleware` runs them as one chain for every path except under `/api/`.

Only middleware that work as plain callables can go in the chain: Django
collects `process_view`, `process_exception` and `process_template_response`
hooks from MIDDLEWARE itself, so a middleware with one of those (CSRF's
`process_view`) stays in MIDDLEWARE, for every path. The one thing the API
needs from CommonMiddleware, the Host header checked against ALLOWED_HOSTS,
is done here directly.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from tuidang.api.middleware import API_PREFIX

SITE_MIDDLEWARE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
)
HOOKS = ("process_view", "process_exception", "process_template_response")


class SiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        chain = get_response
        for path in reversed(SITE_MIDDLEWARE):
            middleware = import_string(path)
            if hooks := [hook for hook in HOOKS if hasattr(middleware, hook)]:
                raise ImproperlyConfigured(f"{path} has {hooks}: put it in MIDDLEWARE itself")
            chain = middleware(chain)
        self.site_chain = chain

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            request.get_host()  # DisallowedHost (400) for a host not allowed
            return self.get_response(request)
        return self.site_chain(request)
