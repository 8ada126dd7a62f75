"""Declare: for oneself, or for others who asked (by proxy). A successful POST
renders the receipt directly (never a redirect carrying the code), and the
response is never cached.

While proof of work is on (tuidang/web/proof_of_work.py) the form carries a
fresh challenge and our own small script solves it; a declaration without a
valid solution (no JavaScript, a failed script) is still recorded, marked
unproven, and moderated after the proven ones."""

import dataclasses

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuidang.public.forms import DeclareForOthersForm, DeclareSelfForm
from tuidang.registry.intake import IntakeError, declare
from tuidang.web import proof_of_work
from tuidang.web.middleware import allow_own_script

PROOF_FIELD = "proof_of_work"


def _declare(request, form_class, template):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        if proof_of_work.enabled():
            unproven = proof_of_work.unproven(request.POST.get(PROOF_FIELD))
            data = dataclasses.replace(data, unproven=unproven)
        try:
            receipt = declare(data)
        except IntakeError as error:
            form.add_intake_errors(error)
        else:
            return render(request, "public/declared.html", {"receipt": receipt})
    return form_page(request, form, template, status=400 if request.method == "POST" else 200)


def form_page(request, form, template, *, status=200, **context):
    """A declaration form's page: `form`, a fresh proof-of-work challenge while
    proof of work is on, and any further context (errors.py sends refused forms
    back through here, with a `refusal` message)."""
    context["form"] = form
    if proof_of_work.enabled():
        context["proof_of_work"] = {
            "field": PROOF_FIELD,
            "challenge": proof_of_work.new_challenge(),
            "bits": proof_of_work.difficulty(),
        }
    response = render(request, template, context, status=status)
    return allow_own_script(response) if proof_of_work.enabled() else response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def declare_self(request):
    return _declare(request, DeclareSelfForm, "public/declare_self.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def declare_for_others(request):
    return _declare(request, DeclareForOthersForm, "public/declare_for_others.html")
