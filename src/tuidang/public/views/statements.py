"""Published statements: statements of accepted declarations that passed
review and whose declare entry is in the published log, newest batch first.

Listed by log index, not by declaration id: within a publication batch the log's
order is random, while ids follow the order of intake (and a planted
declaration of known time would date its neighbours). Paged by keyset
(`?before=<log index>`), so a page costs the same at any depth."""

import re

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuidang.registry.choices import StatementState, Status
from tuidang.registry.log_entries import DECLARE
from tuidang.registry.models import LogEntry
from tuidang.transparency import published


@require_safe
def statements(request):
    per_page = settings.TUIDANG_STATEMENTS_PER_PAGE
    size = published.tree_size()
    entries = (
        LogEntry.objects.filter(
            kind=DECLARE,
            index__lt=size,
            declaration__status=Status.ACCEPTED,
            declaration__statement_state=StatementState.PUBLISHED,
        )
        .order_by("-index")
        .select_related("declaration")
        .prefetch_related("declaration__people")
    )
    before = request.GET.get("before", "")
    # Plain ASCII digits that fit a bigint; anything else shows the first page.
    if re.fullmatch(r"[0-9]{1,18}", before):
        entries = entries.filter(index__lt=int(before))
    page = list(entries[: per_page + 1])
    older = page[per_page - 1].index if len(page) > per_page else None
    return render(
        request,
        "public/statements.html",
        {
            "declarations": [entry.declaration for entry in page[:per_page]],
            "older": older,
            "is_first_page": not before,
        },
    )
