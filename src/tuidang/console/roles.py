"""The console's roles and what each may do: the permission matrix in code.

docs/roles.md is the same matrix for people; tests/console/test_role_matrix.py
checks every console URL for every role against it. An account has exactly one
role. Everyone signed in may use their own account page (language, recovery
codes, log out everywhere) and the console's home page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Hotline operator")
    CALLER = "caller", _("Caller")
    CAMPAIGN_LEAD = "campaign_lead", _("Campaign lead")
    MODERATOR = "moderator", _("Moderator")
    ADMINISTRATOR = "administrator", _("Administrator")
    CUSTODIAN = "custodian", _("Custodian")


class Permission(models.TextChoices):
    ACCOUNT = "account", _("Own account and home page")
    HOTLINE = "hotline", _("Hotline and outbound-call intake, proxies, groups")
    TRANSCRIBE = "transcribe", _("Transcribe fax, email, in person, banknote or poster")
    MODERATE = "moderate", _("Moderation queue and review of volunteer entries")
    ADMINISTER = "administer", _("Accounts, roles, custodian recipients")
    CONFIGURE = "configure", _("Organisations and milestones")
    AUDIT = "audit", _("Read the audit log")
    CUSTODY = "custody", _("See custodian recipients and the retention schedule")
    UNSEAL = "unseal", _("Request and approve the export of sealed values")
    CAMPAIGNS = "campaigns", _("Call campaigns: targets, scripts, statistics")


MATRIX: dict[str, frozenset[str]] = {
    Role.OPERATOR: frozenset({Permission.ACCOUNT, Permission.HOTLINE, Permission.TRANSCRIBE}),
    Role.CALLER: frozenset({Permission.ACCOUNT, Permission.HOTLINE}),
    Role.CAMPAIGN_LEAD: frozenset({Permission.ACCOUNT, Permission.HOTLINE, Permission.CAMPAIGNS}),
    Role.MODERATOR: frozenset({Permission.ACCOUNT, Permission.MODERATE}),
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.ACCOUNT,
            Permission.ADMINISTER,
            Permission.CONFIGURE,
            Permission.AUDIT,
            Permission.CUSTODY,
            Permission.CAMPAIGNS,
        }
    ),
    Role.CUSTODIAN: frozenset(
        {Permission.ACCOUNT, Permission.AUDIT, Permission.CUSTODY, Permission.UNSEAL}
    ),
}


def allows(role: str, permission: str) -> bool:
    return permission in MATRIX.get(role, frozenset())
