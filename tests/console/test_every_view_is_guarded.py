"""No console view without an explicit role decorator: walk the URLconf."""

from django.urls import URLPattern, URLResolver, get_resolver

from tuidang.console.roles import Permission

SIGN_IN_STEPS = {"login", "verify", "enrol", "join"}


def _console_patterns():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "console":
            yield from entry.url_patterns


def test_the_console_urlconf_is_not_empty():
    assert len(list(_console_patterns())) >= 15


def test_every_console_view_carries_a_role_decorator_or_is_a_sign_in_step():
    for pattern in _console_patterns():
        assert isinstance(pattern, URLPattern)
        permission = getattr(pattern.callback, "console_permission", "missing")
        if pattern.name in SIGN_IN_STEPS:
            assert getattr(pattern.callback, "console_public", False), pattern.name
        else:
            assert permission in Permission.values, f"{pattern.name} has no role decorator"
