"""Leaving after a declaration. The receipt page's last form asks the declarant
to confirm they have written the receipt code down; this view then answers with
`Clear-Site-Data`, so the browser drops this site's cookies, cache and storage
(a phone may be searched). Without the confirmation the code is shown again —
it travels back in the POST body only, is never stored, and the page is never
cached — so a browser that ignored `required` cannot lose it."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tuidang.registry import receipts

CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


@never_cache
@require_POST
def leave(request):
    if request.POST.get("written_down") != "yes":
        try:
            code = receipts.format_code(receipts.normalise(request.POST.get("code", "")))
        except receipts.InvalidReceiptCode:
            code = None
        return render(request, "public/leave_unconfirmed.html", {"code": code}, status=400)
    response = render(request, "public/left.html")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
