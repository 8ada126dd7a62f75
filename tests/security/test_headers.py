"""HTTP hardening on every kind of page: a Content-Security-Policy without
`unsafe-inline` that forbids framing, `Referrer-Policy: same-origin` (not
`no-referrer`: browsers would then send `Origin: null` and the CSRF check would
refuse every form), a Permissions-Policy, no third-party resources; and in the
production settings HSTS, secure HttpOnly cookies and a clean `check --deploy`."""

import os
import re
import subprocess
import sys

import pyrage
import pytest
from django.test import Client

from tests.public.helpers import browser, submit

pytestmark = pytest.mark.django_db

PAGES = (
    "/",
    "/en/",
    "/zh-hant/statements/",
    "/declare/",
    "/declare/for-others/",
    "/receipt/",
    "/console/login/",
    "/api/v1/tally",
    "/no-such-page/",
    "/robots.txt",
    "/.well-known/security.txt",
)


def policy(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(path):
    response = Client().get(path)
    csp = policy(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert csp["default-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert "script-src" not in csp  # no script at all: default-src 'none' applies
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_page_after_a_declaration_sends_them_too():
    response = submit(
        browser(),
        "/declare/",
        {"organisations": "party", "naming": "generated_alias", "country": "CN"},
    )
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/declare/", "/receipt/", "/statements/", "/console/login/"])
def test_pages_load_nothing_from_another_site_and_run_no_script(path):
    page = Client().get(path).content.decode()
    assert "<script" not in page.lower()
    assert not re.search(r"\son[a-z]+\s*=", page)  # no inline event handlers
    assert not re.search(r'style="', page)  # no inline style (the CSP would block it)
    for url in re.findall(r'(?:src|href|action)="([^"]+)"', page):
        assert url.startswith(("/", "#", "data:image/")), url


def production_settings(code: str, **env) -> str:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TUIDANG_")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tuidang.settings.production",
        TUIDANG_SECRET_KEY="x" * 60 + "production-like-secret-for-the-check",
        TUIDANG_ALLOWED_HOSTS="registry.example.org",
        TUIDANG_DATA_DIR=env.pop("data_dir"),
        TUIDANG_CUSTODIAN_RECIPIENTS=str(pyrage.x25519.Identity.generate().to_public()),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_sends_hsts_and_only_secure_httponly_cookies(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = production_settings(code, data_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "63072000",
        "True",
        "True",
        "True",
        "True",
        "True",
        "True",
        "False",
    ]


def test_the_production_deploy_check_is_clean(tmp_path):
    code = (
        "import sys, django; django.setup(); from django.core.management import call_command; "
        "call_command('check', '--deploy', '--fail-level', 'WARNING')"
    )
    result = production_settings(code, data_dir=str(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
