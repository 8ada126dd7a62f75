"""Receipt lookup. The code travels only in a POST body, so it never lands in a
URL, a browser's history or a proxy's log; the answer is never cached."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuidang.public.forms import ReceiptLookupForm
from tuidang.registry import receipts
from tuidang.registry.choices import Status
from tuidang.registry.models import Declaration
from tuidang.transparency.published import receipt_proof


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def lookup(request):
    form = ReceiptLookupForm(request.POST or None)
    declaration = None
    if request.method == "POST" and form.is_valid():
        try:
            digest = receipts.lookup_hash(form.cleaned_data["code"])
        except receipts.InvalidReceiptCode:
            form.add_error(
                "code", _("A receipt code has 16 letters and digits, e.g. 7GQ4-M2XD-0KTB-9ZRC.")
            )
        else:
            declaration = Declaration.objects.filter(receipt_hash=digest).first()
            if declaration is None:
                form.add_error(
                    "code", _("No declaration has this receipt code. Check each character.")
                )
    accepted = declaration is not None and declaration.status == Status.ACCEPTED
    return render(
        request,
        "public/receipt.html",
        {
            "form": form,
            "declaration": declaration,
            "accepted": accepted,
            "proof": receipt_proof(declaration) if accepted else None,
        },
        status=400 if form.errors else 200,
    )
