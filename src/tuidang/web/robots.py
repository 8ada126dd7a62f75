"""Which parts of the site crawlers may see: only the public read side (home,
statements, the log, totals, static files). Intake, receipts and the console are
kept out twice: `Disallow` lines in /robots.txt for polite crawlers, and an
`X-Robots-Tag: noindex, nofollow` header on every response from them, so that
even a page reached by a link is never indexed or cached by a search engine."""

import functools
import re

from django.conf import settings

NOINDEX = "noindex, nofollow, noarchive"

# Paths under the language prefix (/, /zh-hant/, /en/) that are not read side.
PRIVATE_PUBLIC_PATHS = ("declare/", "receipt/", "leave/")
# Paths outside the language prefix that are not read side.
PRIVATE_ROOT_PATHS = ("console/", "api/v1/declarations")


def disallowed_paths() -> list[str]:
    """Every path prefix robots.txt disallows, for every language."""
    prefixes = [""] + [f"{code}/" for code, _name in settings.LANGUAGES]
    paths = [f"/{prefix}{path}" for prefix in prefixes for path in PRIVATE_PUBLIC_PATHS]
    return paths + [f"/{path}" for path in PRIVATE_ROOT_PATHS]


@functools.cache
def _private_pattern() -> re.Pattern:
    codes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    public = "|".join(re.escape(path) for path in PRIVATE_PUBLIC_PATHS)
    root = "|".join(re.escape(path) for path in PRIVATE_ROOT_PATHS)
    return re.compile(rf"/(?:(?:(?:{codes})/)?(?:{public})|(?:{root}))")


def is_private(path: str) -> bool:
    return _private_pattern().match(path) is not None
