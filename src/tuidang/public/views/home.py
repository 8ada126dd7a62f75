"""Home: the total, totals per organisation, today's count, milestones — all as
published at the latest checkpoint of the public log, which the page names."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tuidang.registry import milestones, organisations
from tuidang.registry.models import Milestone
from tuidang.transparency import published
from tuidang.transparency.keys import verifier_key_or_none


@require_safe
def home(request):
    snapshot = published.latest()
    totals = snapshot["totals"]
    today = timezone.now().date()
    # A deactivated organisation stays listed while its declarations count.
    by_organisation = totals["by_organisation"]
    active = set(organisations.codes())
    per_organisation = [
        (organisations.name(code), by_organisation.get(code, 0))
        for code in organisations.all_codes()
        if code in active or by_organisation.get(code)
    ]
    return render(
        request,
        "public/home.html",
        {
            "total": totals["persons"],
            "per_organisation": per_organisation,
            "today": totals["by_day"].get(today.isoformat(), 0),
            "tree_size": snapshot["tree_size"],
            "root_hash": snapshot["root_hash"],
            "verifier_key": verifier_key_or_none(),
            "milestones": Milestone.objects.all()[:6],
            "next_milestone": milestones.next_threshold(totals["persons"]),
        },
    )
