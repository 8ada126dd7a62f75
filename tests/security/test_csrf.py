"""CSRF on every POST: the test walks the whole URLconf and posts to every
route without a token; each is refused with the CSRF page and changes nothing.
The API is exempt by design and this proves why that is safe: it uses no
cookie and no session, so a forged cross-site request has no more power than
the attacker's own."""

import re

import pytest
from django.test import Client
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from ninja.constants import NOT_SET

from tuidang.api.api import api
from tuidang.registry.models import Declaration

pytestmark = pytest.mark.django_db

SAMPLE_ARGUMENTS = {
    "IntConverter": "1",
    "StringConverter": "sample",
    "SlugConverter": "fax",
    "PathConverter": "0/000",
}
LANGUAGE_PREFIXES = ("", "zh-hant/", "en/")


def concrete_paths(resolver=None, prefix=""):
    """One concrete path per route of the URLconf, converters filled with samples."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            prefixes = [str(entry.pattern)]
            if isinstance(entry.pattern, LocalePrefixPattern):
                prefixes = LANGUAGE_PREFIXES
            for each in prefixes:
                yield from concrete_paths(entry, prefix + each)
        elif isinstance(entry, URLPattern):
            route = str(entry.pattern)
            for name, converter in entry.pattern.converters.items():
                sample = SAMPLE_ARGUMENTS[type(converter).__name__]
                route = re.sub(rf"<(?:\w+:)?{name}>", sample, route)
            yield "/" + prefix + route


def test_the_walk_finds_every_kind_of_route():
    paths = set(concrete_paths())
    for expected in (
        "/declare/",
        "/en/declare/for-others/",
        "/zh-hant/receipt/",
        "/en/receipt/withdraw/",
        "/leave/",
        "/console/login/",
        "/console/moderation/1/act/",
        "/console/transcribe/fax/",
        "/api/v1/declarations",
        "/log/checkpoint",
    ):
        assert expected in paths


def test_every_post_outside_the_api_without_a_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    client.get("/declare/")  # a CSRF cookie, but no token in the body
    checked = 0
    for path in concrete_paths():
        if path.startswith("/api/"):
            continue
        response = client.post(path, {"organisations": "party", "code": "x"})
        assert response.status_code == 403, path
        assert "public/csrf_failure.html" in [t.name for t in response.templates], path
        checked += 1
    assert checked > 20
    assert Declaration.objects.count() == 0


def test_a_post_from_this_sites_own_page_is_refused_too_and_only_a_form_comes_back():
    # With Origin naming this site (a stale page, a lost cookie) a public form is
    # sent back as it was filled in (tests/public/test_error_pages.py); still 403.
    client = Client(enforce_csrf_checks=True)
    client.get("/declare/")
    forms = {"/declare/", "/declare/for-others/", "/receipt/", "/receipt/withdraw/"}
    for path in concrete_paths():
        if path.startswith("/api/"):
            continue
        response = client.post(
            path, {"organisations": "party", "code": "x"}, HTTP_ORIGIN="http://testserver"
        )
        assert response.status_code == 403, path
        names = [t.name for t in response.templates]
        sent_back = re.sub(r"^/(zh-hant|en)/", "/", path) in forms
        assert ("public/csrf_failure.html" not in names) == sent_back, path
    assert Declaration.objects.count() == 0


def test_the_api_is_csrf_exempt_only_because_it_uses_no_cookie_and_no_session():
    # No authentication of any kind (a cookie-based one is what would need CSRF).
    assert api.auth in (None, NOT_SET)
    operations = [
        operation
        for _prefix, router in api._routers
        for path_operations in router.path_operations.values()
        for operation in path_operations.operations
    ]
    assert operations and all(operation.auth_callbacks == [] for operation in operations)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/declarations",
        '{"organisations": ["party"], "people": [{"naming": "generated_alias"}]}',
        content_type="application/json",
    )
    assert response.status_code == 201
    assert not response.cookies  # it sets none, and reads none
