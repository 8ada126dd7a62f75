"""The console's one access decorator. Every console view carries
`@console_view(Permission.X)` (tests/console/test_every_view_is_guarded.py walks
the URLconf to prove it). It:

- sends anyone not signed in with both factors to the login page;
- ends a session made stale by "log out everywhere" or a disabled account;
- answers 403 when the account's role lacks the permission;
- activates the account's language;
- marks the response `no-store` (console pages hold personal data).
"""

import functools

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from tuidang.console.accounts import SESSION_GENERATION_KEY
from tuidang.console.roles import allows


def _volunteer(request):
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    if not (hasattr(user, "is_verified") and user.is_verified()):
        return None
    volunteer = getattr(user, "volunteer", None)
    if volunteer is None:
        return None
    if request.session.get(SESSION_GENERATION_KEY) != volunteer.session_generation:
        logout(request)
        return None
    return volunteer


def _finish(response):
    add_never_cache_headers(response)
    return response


def console_view(permission: str):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            volunteer = _volunteer(request)
            if volunteer is None:
                return redirect(reverse("console:login"))
            if not allows(volunteer.role, permission):
                raise PermissionDenied
            request.volunteer = volunteer
            translation.activate(volunteer.language)
            request.LANGUAGE_CODE = volunteer.language
            return _finish(view(request, *args, **kwargs))

        wrapper.console_permission = permission
        return wrapper

    return decorate


def console_public(view):
    """For the sign-in steps only (login, second factor, join): no role needed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return _finish(view(request, *args, **kwargs))

    wrapper.console_permission = None
    wrapper.console_public = True
    return wrapper
