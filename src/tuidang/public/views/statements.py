"""Published statements: accepted declarations whose text passed review, newest first.

Paged by keyset (`?before=<id>`), so a page costs the same at any depth."""

import re

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tuidang.registry.choices import StatementState, Status
from tuidang.registry.models import Declaration


@require_safe
def statements(request):
    per_page = settings.TUIDANG_STATEMENTS_PER_PAGE
    rows = (
        Declaration.objects.filter(status=Status.ACCEPTED, statement_state=StatementState.PUBLISHED)
        .order_by("-id")
        .prefetch_related("people")
    )
    before = request.GET.get("before", "")
    # Plain ASCII digits that fit a bigint; anything else shows the first page.
    if re.fullmatch(r"[0-9]{1,18}", before):
        rows = rows.filter(id__lt=int(before))
    page = list(rows[: per_page + 1])
    older = page[per_page - 1].pk if len(page) > per_page else None
    return render(
        request,
        "public/statements.html",
        {"declarations": page[:per_page], "older": older, "is_first_page": not before},
    )
