"""Administration: invite volunteers, set roles, disable and enable accounts,
and the custodian recipients (public keys only, written to
DATA_DIR/custodians.txt, which registry/sealing.py reads when the
TUIDANG_CUSTODIAN_RECIPIENTS setting is empty)."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tuidang.console import accounts, audit, retention
from tuidang.console.decorators import console_view
from tuidang.console.forms import InviteForm, RecipientsForm, RoleForm
from tuidang.console.models import Volunteer
from tuidang.console.roles import Permission
from tuidang.registry import organisations, sealing
from tuidang.registry.models import Milestone


@console_view(Permission.ADMINISTER)
@require_http_methods(["GET", "HEAD", "POST"])
def volunteers(request):
    form = InviteForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if get_user_model().objects.filter(username=data["username"]).exists():
            form.add_error("username", _("This login is taken."))
        else:
            token = accounts.invite(data["username"], data["role"], data["language"])
            audit.record(request.user, "invited", detail=f"{data['username']} {data['role']}")
            link = request.build_absolute_uri(reverse("console:join", args=[token]))
            form = InviteForm()
    listing = Volunteer.objects.select_related("user").order_by("user__username")
    context = {"form": form, "volunteers": listing, "link": link, "role_form": RoleForm()}
    return render(request, "console/volunteers.html", context, status=400 if form.errors else 200)


@console_view(Permission.ADMINISTER)
@require_POST
def volunteer(request, volunteer_id):
    target = get_object_or_404(Volunteer.objects.select_related("user"), pk=volunteer_id)
    action = request.POST.get("action")
    if action == "role":
        form = RoleForm(request.POST)
        if form.is_valid():
            target.role = form.cleaned_data["role"]
            target.save(update_fields=["role"])
            accounts.log_out_everywhere(target)
            audit.record(request.user, "role_set", detail=f"{target.user.username} {target.role}")
    elif action in ("disable", "enable") and target.user_id != request.user.pk:
        target.user.is_active = action == "enable"
        target.user.save(update_fields=["is_active"])
        accounts.log_out_everywhere(target)
        audit.record(request.user, action, detail=target.user.username)
    return redirect("console:volunteers")


@console_view(Permission.CUSTODY)
@require_http_methods(["GET", "HEAD", "POST"])
def custodians(request):
    """Who identities are sealed to, and the retention schedule. Administrators
    may replace the recipients (only when they are not fixed by a setting)."""
    from_setting = bool(settings.TUIDANG_CUSTODIAN_RECIPIENTS)
    may_edit = not from_setting and request.volunteer.role == "administrator"
    form = RecipientsForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            lines = [line.strip() for line in form.cleaned_data["recipients"].splitlines()]
            lines = [line for line in lines if line]
            try:
                for line in lines:
                    sealing.parse_recipient(line)
            except ImproperlyConfigured:
                form.add_error("recipients", _("Each line must be an age public key (age1…)."))
            else:
                path = Path(settings.DATA_DIR) / sealing.CUSTODIANS_FILE
                path.write_text("".join(line + "\n" for line in lines))
                audit.record(request.user, "custodians_set", detail=f"{len(lines)} recipients")
                return redirect("console:custodians")
    context = {
        "recipients": sealing.recipient_strings(),
        "from_setting": from_setting,
        "form": form,
        "schedule": sorted(retention.schedule().items()),
        "organisations": organisations.choices(),
        "milestones": Milestone.objects.all()[:20],
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "console/custodians.html", context, status=status)
