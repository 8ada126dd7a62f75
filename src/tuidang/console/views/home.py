"""The console's home page: the screens this account's role may open."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tuidang.console.decorators import console_view
from tuidang.console.roles import Permission
from tuidang.registry import tally


@console_view(Permission.ACCOUNT)
@require_http_methods(["GET", "HEAD"])
def home(request):
    return render(request, "console/home.html", {"total": tally.total()})
