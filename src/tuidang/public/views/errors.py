"""Error pages of the public site, in its layout and in the language of the
request's URL, and refused form posts sent back with what the person typed.

- `bad_request` (400), `permission_denied` (403), `page_not_found` (404) and
  `server_error` (500) are the root URLconf's handlers. Under /api/, /console/
  and /log/ they hand over to Django's own views: the API turns those into its
  JSON errors (api/middleware.py), the console and the log keep their plain
  pages. The error pages never show the requested path or anything sent.
- `server_error` renders a fixed template with a fixed context (no request
  context, no database), and falls back to a constant page if even that fails.
- `csrf_failure` (CSRF_FAILURE_VIEW, 403) and `too_many_requests` (429, called
  by web/ratelimit.py) send a public form back as the person filled it in,
  with a message at the top, instead of a bare page. The form is rebuilt from
  the POST for display only: it is not validated, nothing is recorded, and a
  receipt code is shown back but never looked up. Those pages are `no-store`
  (like the forms) and nothing sent is logged. A CSRF refusal gives the text
  back only to a post whose Origin header names this site (a stale page or a
  lost cookie), never to a post from another site.
"""

import math

from django.conf import settings
from django.http import HttpResponseServerError
from django.middleware.csrf import REASON_BAD_ORIGIN
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults

from tuidang.api.middleware import API_PREFIX
from tuidang.public.forms import (
    DeclareForOthersForm,
    DeclareSelfForm,
    ReceiptLookupForm,
    WithdrawForm,
)
from tuidang.public.views import declare

# Parts of the site that keep Django's error views (and their own formats).
OWN_ERROR_PAGES = (API_PREFIX, "/console/", "/log/")
# The start of the CSRF reason that says the Origin header named another site.
BAD_ORIGIN = REASON_BAD_ORIGIN.split("%s")[0]
# If the layout itself cannot be rendered: a constant page, in both scripts' default.
FALLBACK_500 = (
    '<!doctype html>\n<html lang="zh-hans"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>500</title></head><body><main><h1>500</h1>"
    "<p>服务器出错，请稍后再试。</p>"
    '<p lang="en">Server error; please try again later.</p>'
    '<p><a href="/">退党服务中心</a></p></main></body></html>\n'
)


def _own_error_pages(request) -> bool:
    return request.path_info.startswith(OWN_ERROR_PAGES)


def page_language(request) -> str:
    """The language of the URL's prefix (none: the default language)."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def home_links() -> list[dict]:
    """Language links to each language's home page (an error page's own path may
    not exist, and holds whatever the visitor typed: it is never shown)."""
    links = []
    current = translation.get_language()
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            url = reverse("public:home")
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


def _error_page(request, template: str, status: int, context: dict | None = None):
    with translation.override(page_language(request)):
        context = {**(context or {}), "language_links": home_links()}
        return render(request, template, context, status=status)


def bad_request(request, exception):
    if _own_error_pages(request):
        return defaults.bad_request(request, exception)
    return _error_page(request, "public/400.html", 400)


def permission_denied(request, exception):
    if _own_error_pages(request):
        return defaults.permission_denied(request, exception)
    return _error_page(request, "public/403.html", 403)


def page_not_found(request, exception):
    if _own_error_pages(request):
        return defaults.page_not_found(request, exception)
    return _error_page(request, "public/404.html", 404)


def server_error(request):
    """A fixed template with a fixed context: no context processors, no database."""
    if _own_error_pages(request):
        return defaults.server_error(request)
    try:
        language = page_language(request)
        with translation.override(language):
            body = render_to_string(
                "public/500.html", {"LANGUAGE_CODE": language, "language_links": home_links()}
            )
    except Exception:  # whatever failed, the visitor still gets a page
        body = FALLBACK_500
    return HttpResponseServerError(body)


# Refused form posts.


def typed(form_class, data):
    """An unbound form that shows what was typed in `data`: for display only
    (no validation, no error beside any field, nothing acted on)."""
    form = form_class()
    values = {}
    for name, field in form.fields.items():
        value = field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        if value is not None:
            values[name] = value
    form.initial = values
    return form


def _declaration_page(form_class, template):
    def page(request, status, refusal):
        form = typed(form_class, request.POST)
        return declare.form_page(request, form, template, status=status, refusal=refusal)

    return page


def _code_page(form_class, template):
    def page(request, status, refusal):
        # The code is shown back, never looked up: a refused request learns nothing.
        context = {"form": typed(form_class, request.POST), "refusal": refusal}
        return render(request, template, context, status=status)

    return page


FORM_PAGES = {
    "public:declare": _declaration_page(DeclareSelfForm, "public/declare_self.html"),
    "public:declare_for_others": _declaration_page(
        DeclareForOthersForm, "public/declare_for_others.html"
    ),
    "public:receipt": _code_page(ReceiptLookupForm, "public/receipt.html"),
    "public:withdraw": _code_page(WithdrawForm, "public/withdraw.html"),
}


def _refused_form(request, status: int, refusal: str):
    """The public form this POST came from, as it was filled in, with `refusal`
    at the top; None if the request is not a post of a public form."""
    match = request.resolver_match
    page = FORM_PAGES.get(match.view_name) if match is not None else None
    if page is None or request.method != "POST":
        return None
    response = page(request, status, refusal)
    response["Cache-Control"] = "no-store"
    return response


def retry_minutes(retry_after: int) -> int:
    """Seconds until the limit's window ends, as whole minutes (rounded up)."""
    return max(1, math.ceil(retry_after / 60))


def too_many_requests(request, retry_after: int):
    """429 for a site request over the rate limit (web/ratelimit.py): its form
    with what was typed, or else a page in the layout. The caller adds
    Retry-After and no-store."""
    with translation.override(page_language(request)):
        return _too_many_requests(request, retry_minutes(retry_after))


def _too_many_requests(request, minutes: int):
    refusal = ngettext(
        "Many forms were sent from your connection in a short time, so this one was "
        "not recorded. What you typed is still below: you can send it again in "
        "%(minutes)d minute.",
        "Many forms were sent from your connection in a short time, so this one was "
        "not recorded. What you typed is still below: you can send it again in "
        "%(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = _refused_form(request, 429, refusal)
    if response is None:
        message = ngettext(
            "Many requests came from your connection in a short time, so this one was "
            "not carried out. Nothing was recorded. You can try again in %(minutes)d minute.",
            "Many requests came from your connection in a short time, so this one was "
            "not carried out. Nothing was recorded. You can try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        response = _error_page(request, "public/429.html", 429, {"message": message})
    return response


def csrf_failure(request, reason=""):
    """403 for a post without a valid CSRF token (CSRF_FAILURE_VIEW): a public
    form comes back as it was filled in if the post came from this site's own
    page (its Origin header was checked and matched); anything else gets the
    plain refusal page."""
    if "HTTP_ORIGIN" in request.META and not reason.startswith(BAD_ORIGIN):
        refusal = _(
            "This form was not accepted, because the page had been open a long time or "
            "this site's cookies are blocked. Nothing was recorded. What you typed is "
            "still below: please check it and send it again."
        )
        response = _refused_form(request, 403, refusal)
        if response is not None:
            return response
    response = render(request, "public/csrf_failure.html", status=403)
    response["Cache-Control"] = "no-store"
    return response
