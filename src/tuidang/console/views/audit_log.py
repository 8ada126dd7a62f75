"""The audit log (administrators and custodians), in two parts that are never
interleaved: account events with their time, newest first; and actions on
declarations, grouped by day, within a day by action and declaration number —
an order that says nothing about when in the day each happened.

Each action is shown by its label in the reader's language (`audit.label`)."""

from itertools import groupby

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tuidang.console import audit
from tuidang.console.decorators import console_view
from tuidang.console.models import AuditEvent, DeclarationEvent
from tuidang.console.roles import Permission

ACCOUNT_EVENTS = 200
DAYS = 14


def _labelled(events):
    events = list(events)
    for event in events:
        event.label = audit.label(event.action)
        event.shown_detail = audit.detail(event.action, event.detail)
    return events


@console_view(Permission.AUDIT)
@require_http_methods(["GET", "HEAD"])
def audit_log(request):
    account_events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    days = list(
        DeclarationEvent.objects.order_by("-day").values_list("day", flat=True).distinct()[:DAYS]
    )
    declaration_events = (
        DeclarationEvent.objects.filter(day__in=days)
        .select_related("actor")
        .order_by("-day", "action", "declaration_id", "id")
    )
    by_day = [
        (day, _labelled(events)) for day, events in groupby(declaration_events, lambda e: e.day)
    ]
    context = {
        "account_events": _labelled(account_events[:ACCOUNT_EVENTS]),
        "by_day": by_day,
        "days": DAYS,
    }
    return render(request, "console/audit.html", context)
