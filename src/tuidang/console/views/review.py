"""Review of declarations entered by volunteers: they were accepted at once
(volunteers are trusted) and are listed here until a moderator has looked at
them; a wrong one is revoked with a reason (the count follows)."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tuidang.console import audit
from tuidang.console.decorators import console_view
from tuidang.console.forms import RevokeForm
from tuidang.console.models import VolunteerEntry
from tuidang.console.roles import Permission
from tuidang.registry import transitions
from tuidang.registry.choices import Status

PAGE = 50


@console_view(Permission.MODERATE)
@require_http_methods(["GET", "HEAD"])
def entries(request):
    pending = (
        VolunteerEntry.objects.filter(reviewed=False)
        .select_related("declaration", "entered_by")
        .order_by("id")[:PAGE]
    )
    return render(request, "console/review.html", {"entries": pending, "revoke_form": RevokeForm()})


@console_view(Permission.MODERATE)
@require_POST
def review(request, entry_id):
    entry = get_object_or_404(VolunteerEntry, pk=entry_id)
    if request.POST.get("action") == "revoke":
        form = RevokeForm(request.POST)
        if not form.is_valid() or entry.declaration.status != Status.ACCEPTED:
            return redirect("console:review")
        transitions.revoke(entry.declaration_id, form.cleaned_data["reason"])
        audit.record(request.user, "revoke", declaration_id=entry.declaration_id)
    else:
        audit.record(request.user, "reviewed", declaration_id=entry.declaration_id)
    entry.reviewed = True
    entry.save(update_fields=["reviewed"])
    return redirect("console:review")
