"""One's own account: console language, new recovery codes, log out everywhere."""

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tuidang.console import accounts, audit
from tuidang.console.decorators import console_view
from tuidang.console.forms import LanguageForm
from tuidang.console.roles import Permission


@console_view(Permission.ACCOUNT)
@require_http_methods(["GET", "HEAD", "POST"])
def account(request):
    volunteer = request.volunteer
    form = LanguageForm(request.POST or None, initial={"language": volunteer.language})
    if request.method == "POST" and form.is_valid():
        volunteer.language = form.cleaned_data["language"]
        volunteer.save(update_fields=["language"])
        return redirect("console:account")
    return render(request, "console/account.html", {"form": form})


@console_view(Permission.ACCOUNT)
@require_POST
def recovery_codes(request):
    codes = accounts.new_recovery_codes(request.user)
    audit.record(request.user, "recovery_codes_renewed")
    return render(request, "console/recovery_codes.html", {"codes": codes})


@console_view(Permission.ACCOUNT)
@require_POST
def log_out_everywhere(request):
    accounts.log_out_everywhere(request.volunteer)
    audit.record(request.user, "logged_out_everywhere")
    logout(request)
    return redirect("console:login")
