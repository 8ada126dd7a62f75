"""The audit log, newest first (administrators and custodians)."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tuidang.console.decorators import console_view
from tuidang.console.models import AuditEvent
from tuidang.console.roles import Permission


@console_view(Permission.AUDIT)
@require_http_methods(["GET", "HEAD"])
def audit_log(request):
    events = AuditEvent.objects.select_related("actor")[:200]
    return render(request, "console/audit.html", {"events": events})
