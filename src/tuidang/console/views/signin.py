"""Signing in: password, then the second factor (a TOTP code or a recovery code),
or, for an account without a confirmed device, enrolment with a QR code
rendered on the server. Joining from an invitation link sets the password.
Failures count against the account (never an address) and lock it for a while.

Between the steps the session holds only the pending account's id; Django's
login happens once both factors are good."""

import segno
from django.contrib.auth import login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from tuidang.console import accounts, audit
from tuidang.console.decorators import console_public, console_view
from tuidang.console.forms import CodeForm, EnrolForm, JoinForm, LoginForm
from tuidang.console.models import Volunteer
from tuidang.console.roles import Permission

PENDING = "console_pending"
# A password hash to check against when the login is unknown, so both take as long.
_DUMMY_HASH = make_password("not a real password, only for timing")


def _pending(request) -> Volunteer | None:
    volunteer_id = request.session.get(PENDING)
    if volunteer_id is None:
        return None
    return (
        Volunteer.objects.select_related("user")
        .filter(pk=volunteer_id, user__is_active=True)
        .first()
    )


def _complete(request, volunteer: Volunteer, device) -> None:
    accounts.register_success(volunteer)
    request.session.pop(PENDING, None)
    login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session[accounts.SESSION_GENERATION_KEY] = volunteer.session_generation
    request.session.set_expiry(accounts.SESSION_SECONDS)
    audit.record(volunteer.user, "login")


@console_public
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        volunteer = accounts.volunteer_for(form.cleaned_data["username"])
        password = form.cleaned_data["password"]
        if volunteer is None:
            check_password(password, _DUMMY_HASH)
            error = _("Wrong login or password.")
        elif volunteer.is_locked():
            error = _("Too many failed attempts: this account is locked for a while.")
        elif not volunteer.user.check_password(password):
            accounts.register_failure(volunteer)
            error = _("Wrong login or password.")
        else:
            request.session.cycle_key()
            request.session[PENDING] = volunteer.pk
            if accounts.totp_device(volunteer.user) is None:
                return redirect("console:enrol")
            return redirect("console:verify")
    status = 400 if request.method == "POST" else 200
    return render(request, "console/login.html", {"form": form, "error": error}, status=status)


@console_public
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    volunteer = _pending(request)
    if volunteer is None:
        return redirect("console:login")
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        totp = accounts.totp_device(volunteer.user)
        recovery = accounts.recovery_device(volunteer.user)
        if volunteer.is_locked():
            error = _("Too many failed attempts: this account is locked for a while.")
        elif totp is not None and code.isdigit() and totp.verify_token(code):
            _complete(request, volunteer, totp)
            return redirect("console:home")
        elif recovery is not None and recovery.verify_token(code):
            _complete(request, volunteer, recovery)
            audit.record(volunteer.user, "recovery_code_used")
            return redirect("console:home")
        else:
            accounts.register_failure(volunteer)
            error = _("That code is not right.")
    status = 400 if request.method == "POST" else 200
    return render(request, "console/verify.html", {"form": form, "error": error}, status=status)


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=5, border=2)


@console_public
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request):
    """Second factor for an account that has none yet: scan, confirm, get recovery codes."""
    volunteer = _pending(request)
    if volunteer is None:
        return redirect("console:login")
    if accounts.totp_device(volunteer.user) is not None:
        return redirect("console:verify")
    device = accounts.totp_device(volunteer.user, confirmed=False)
    if device is None or request.method != "POST":
        device = accounts.new_totp_device(volunteer.user)
    form = EnrolForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = accounts.new_recovery_codes(volunteer.user)
            _complete(request, volunteer, device)
            audit.record(volunteer.user, "second_factor_enrolled")
            return render(request, "console/recovery_codes.html", {"codes": codes})
        accounts.register_failure(volunteer)
        error = _("That code is not right; check the time on your phone.")
    context = {
        "form": form,
        "error": error,
        "qr": _qr_data_uri(device.config_url),
        "secret": accounts.base32_secret(device),
    }
    return render(request, "console/enrol.html", context, status=400 if error else 200)


@console_public
@require_http_methods(["GET", "HEAD", "POST"])
def join(request, token):
    invitation = accounts.invitation_for(token)
    if invitation is None:
        return render(request, "console/join_invalid.html", status=404)
    form = JoinForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        user = invitation.user
        user.set_password(form.cleaned_data["password"])
        user.save(update_fields=["password"])
        invitation.delete()
        audit.record(user, "joined")
        request.session.cycle_key()
        request.session[PENDING] = user.volunteer.pk
        return redirect("console:enrol")
    status = 400 if request.method == "POST" else 200
    return render(request, "console/join.html", {"form": form}, status=status)


@console_view(Permission.ACCOUNT)
@require_POST
def logout_view(request):
    audit.record(request.user, "logout")
    logout(request)
    return redirect(reverse("console:login"))
