"""Home: the total, totals per organisation, today's count, milestones."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tuidang.registry import milestones, organisations, tally
from tuidang.registry.models import Milestone


@require_safe
def home(request):
    totals = tally.totals()
    today = timezone.now().date()
    per_organisation = [
        (organisations.name(code), totals["organisations"].get(code, 0))
        for code in organisations.codes()
    ]
    return render(
        request,
        "public/home.html",
        {
            "total": totals["persons"],
            "per_organisation": per_organisation,
            "today": totals["days"].get(today.isoformat(), 0),
            "milestones": Milestone.objects.all()[:6],
            "next_milestone": milestones.next_threshold(totals["persons"]),
        },
    )
