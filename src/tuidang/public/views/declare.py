"""Declare: for oneself, or for others who asked (by proxy). A successful POST
renders the receipt directly (never a redirect carrying the code), and the
response is never cached."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tuidang.public.forms import DeclareForOthersForm, DeclareSelfForm
from tuidang.registry.intake import IntakeError, declare


def _declare(request, form_class, template):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            receipt = declare(form.to_input())
        except IntakeError as error:
            form.add_intake_errors(error)
        else:
            return render(request, "public/declared.html", {"receipt": receipt})
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def declare_self(request):
    return _declare(request, DeclareSelfForm, "public/declare_self.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def declare_for_others(request):
    return _declare(request, DeclareForOthersForm, "public/declare_for_others.html")
