"""A URLconf for the error page tests: every real route and the real error
handlers, plus public pages (under the language prefixes) whose views fail on
purpose with a server error, a suspicious request or a refusal."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from tuidang.urls import handler400, handler403, handler404, handler500  # noqa: F401
from tuidang.urls import urlpatterns as real_patterns


def crash(request):
    raise RuntimeError("the view failed on purpose")


def suspicious(request):
    raise SuspiciousOperation("the view found the request suspicious on purpose")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *real_patterns,
    *i18n_patterns(
        path("failing/crash/", crash),
        path("failing/suspicious/", suspicious),
        path("failing/forbidden/", forbidden),
        prefix_default_language=False,
    ),
]
