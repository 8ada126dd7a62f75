"""Root URLconf: the API and the console (no language prefix; the console uses
each account's language) and the public site (Simplified Chinese without
prefix, /zh-hant/ and /en/ for the others). Error pages: public/views/errors.py
(the public layout in the URL's language; Django's own under /api/, /console/
and /log/)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from tuidang.api.api import api
from tuidang.public.views import wellknown

urlpatterns = [
    path(".well-known/security.txt", wellknown.security_txt, name="security_txt"),
    path("robots.txt", wellknown.robots_txt, name="robots_txt"),
    path("api/v1/", api.urls),
    path("console/", include("tuidang.console.urls")),
    path("log/", include("tuidang.transparency.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("tuidang.public.urls")),
    prefix_default_language=False,
)

handler400 = "tuidang.public.views.errors.bad_request"
handler403 = "tuidang.public.views.errors.permission_denied"
handler404 = "tuidang.public.views.errors.page_not_found"
handler500 = "tuidang.public.views.errors.server_error"
