"""Template helpers of the console: the navigation this account's role may see."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from tuidang.console.roles import Permission, allows

register = template.Library()


def _links():
    return [
        (Permission.HOTLINE, "console:calls", (), _("Calls")),
        (Permission.HOTLINE, "console:hotline", (), _("Hotline")),
        (Permission.HOTLINE, "console:group", (), _("Group")),
        (Permission.TRANSCRIBE, "console:transcribe", ("fax",), _("Fax")),
        (Permission.TRANSCRIBE, "console:transcribe", ("email",), _("Email")),
        (Permission.TRANSCRIBE, "console:transcribe", ("in-person",), _("In person")),
        (Permission.TRANSCRIBE, "console:transcribe", ("banknote-poster",), _("Banknote / poster")),
        (Permission.CAMPAIGNS, "console:campaigns", (), _("Campaigns")),
        (Permission.MODERATE, "console:queue", (), _("Moderation")),
        (Permission.MODERATE, "console:review", (), _("Volunteer entries")),
        (Permission.ADMINISTER, "console:volunteers", (), _("Volunteers")),
        (Permission.CONFIGURE, "console:organisations", (), _("Organisations")),
        (Permission.CONFIGURE, "console:milestones", (), _("Milestones")),
        (Permission.CUSTODY, "console:custodians", (), _("Keys and retention")),
        (Permission.UNSEAL, "console:unsealing", (), _("Unsealing")),
        (Permission.AUDIT, "console:audit", (), _("Audit log")),
        (Permission.ACCOUNT, "console:account", (), _("My account")),
    ]


@register.simple_tag(takes_context=True)
def console_links(context):
    volunteer = getattr(context["request"], "volunteer", None)
    if volunteer is None:
        return []
    return [
        {"url": reverse(name, args=args), "label": label}
        for permission, name, args, label in _links()
        if allows(volunteer.role, permission)
    ]
