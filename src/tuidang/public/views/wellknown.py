"""Files at fixed addresses outside the language prefix:

- `/.well-known/security.txt` (RFC 9116): where to report a vulnerability. The
  contacts come from `TUIDANG_SECURITY_CONTACTS`; without any, the site's own
  `security@<host>` address is named. `Expires` is always 180 days ahead (the
  file is generated, so it never goes stale).
- `/robots.txt`: crawlers may read the public side only; intake, receipts, the
  console and the declaration API are disallowed (see tuidang.web.robots).
"""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from tuidang.web.robots import disallowed_paths

EXPIRES_AFTER = datetime.timedelta(days=180)
TEXT = "text/plain; charset=utf-8"


def _text(lines: list[str]) -> HttpResponse:
    response = HttpResponse("\n".join(lines) + "\n", content_type=TEXT)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def security_txt(request):
    host = request.get_host().split(":")[0]
    contacts = settings.TUIDANG_SECURITY_CONTACTS or [f"mailto:security@{host}"]
    expires = (timezone.now() + EXPIRES_AFTER).replace(microsecond=0, second=0, minute=0)
    languages = dict.fromkeys(code.split("-")[0] for code, _name in settings.LANGUAGES)
    lines = [f"Contact: {contact}" for contact in contacts]
    lines += [
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Preferred-Languages: {', '.join(languages)}",
        f"Canonical: {request.scheme}://{request.get_host()}/.well-known/security.txt",
    ]
    return _text(lines)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"] + [f"Disallow: {path}" for path in disallowed_paths()]
    return _text(lines + ["Allow: /"])
