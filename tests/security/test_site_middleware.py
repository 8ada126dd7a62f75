"""The site's middleware (sessions, locale, common, auth, OTP) are skipped for
the JSON API only (tuidang/web/site_middleware.py), and the API still refuses
a Host header that is not allowed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, RequestFactory

from tuidang.web import site_middleware
from tuidang.web.site_middleware import SiteMiddleware


def seen_by_the_view(path: str) -> dict:
    seen = {}

    def view(request):
        seen["session"] = hasattr(request, "session")
        seen["user"] = hasattr(request, "user")
        return HttpResponse("ok")

    SiteMiddleware(view)(RequestFactory().get(path))
    return seen


@pytest.mark.django_db
def test_site_paths_get_sessions_and_users():
    assert seen_by_the_view("/declare/") == {"session": True, "user": True}
    assert seen_by_the_view("/console/") == {"session": True, "user": True}


def test_api_paths_get_neither():
    assert seen_by_the_view("/api/v1/ping") == {"session": False, "user": False}


@pytest.mark.django_db
def test_the_api_refuses_a_host_that_is_not_allowed_with_json():
    response = Client().get("/api/v1/ping", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert Client().get("/api/v1/ping").status_code == 200


@pytest.mark.django_db
def test_the_api_sets_no_cookie():
    response = Client().get("/api/v1/tally")
    assert response.status_code == 200
    assert not response.cookies


def test_a_middleware_with_view_hooks_cannot_hide_in_the_chain(monkeypatch):
    monkeypatch.setattr(
        site_middleware,
        "SITE_MIDDLEWARE",
        (*site_middleware.SITE_MIDDLEWARE, "django.middleware.csrf.CsrfViewMiddleware"),
    )
    with pytest.raises(ImproperlyConfigured, match="process_view"):
        SiteMiddleware(lambda request: HttpResponse())
