"""Writing the audit log: the one entry point is `record()`; and reading it:
`label()` names each action in the reader's language.

An event about a declaration (a `declaration_id` is given) becomes a
`DeclarationEvent`: the day only, a random id, a table of its own, so nothing
orders it against the timed account events (a hotline intake's time would be
the declarant's call time). Every other event is an `AuditEvent` with its time
(sign-in, lockout, roles, unsealing steps), which security needs.

`ACTION_LABELS` names every action the code writes (the console's, the
moderation queue's and the campaign pages'); tests/console/test_audit_labels.py
reads every `audit.record` call in the source and fails on an action without
a label here."""

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuidang.console.models import AuditEvent, DeclarationEvent
from tuidang.registry.choices import Channel

ACTION_LABELS: dict[str, Promise] = {
    # Signing in and accounts.
    "login": _("Signed in"),
    "logout": _("Logged out"),
    "logged_out_everywhere": _("Logged out everywhere"),
    "account_locked": _("Account locked after failed sign-ins"),
    "recovery_code_used": _("Signed in with a recovery code"),
    "recovery_codes_renewed": _("Made new recovery codes"),
    "second_factor_enrolled": _("Set up the authenticator app"),
    "joined": _("Joined by invitation"),
    # Administration.
    "invited": _("Invited a volunteer"),
    "role_set": _("Changed a role"),
    "disable": _("Disabled an account"),
    "enable": _("Enabled an account"),
    "custodians_set": _("Replaced the custodian recipients"),
    "organisation_added": _("Added an organisation"),
    "organisation_renamed": _("Renamed an organisation"),
    "organisation_moved": _("Moved an organisation in the list"),
    "organisation_deactivated": _("Deactivated an organisation"),
    "organisation_reactivated": _("Reactivated an organisation"),
    "milestone_added": _("Added a milestone"),
    "milestone_removed": _("Removed a milestone"),
    # Unsealing.
    "unseal_requested": _("Requested an unsealing"),
    "unseal_approved": _("Approved an unsealing"),
    "unseal_refused": _("Refused an unsealing"),
    "unseal_cancelled": _("Cancelled an unsealing request"),
    "unseal_exported": _("Sealed values exported"),
    "unseal_export_failed": _("Export of sealed values failed"),
    # Call campaigns.
    "campaign_created": _("Created a campaign"),
    "campaign_changed": _("Changed a campaign"),
    "campaign_spacing_changed": _("Changed the spacing between attempts"),
    "calling_window_added": _("Added a calling window"),
    "calling_window_removed": _("Removed a calling window"),
    "holiday_added": _("Added a holiday"),
    "holiday_removed": _("Removed a holiday"),
    "script_version_added": _("Added a script version"),
    "targets_imported": _("Imported targets"),
    "do_not_call_added": _("Added numbers to the do-not-call list"),
    # Actions on declarations.
    "intake": _("Entered"),
    "claim": _("Claimed"),
    "release": _("Released the claim"),
    "accept": _("Accepted"),
    "reject": _("Rejected"),
    "duplicate": _("Marked as duplicate"),
    "edit": _("Edited the statement"),
    "withhold": _("Withheld the statement"),
    "reviewed": _("Reviewed"),
    "revoke": _("Revoked"),
}


def record(actor, action: str, *, declaration_id: int | None = None, detail: str = "") -> None:
    actor = actor if actor is not None and actor.is_authenticated else None
    now = timezone.now()
    if declaration_id is not None:
        DeclarationEvent.objects.create(
            actor=actor,
            action=action,
            declaration_id=declaration_id,
            day=now.date(),
            detail=detail[:200],
        )
    else:
        AuditEvent.objects.create(actor=actor, action=action, at=now, detail=detail[:200])


def label(action: str) -> str:
    """The action in the active language; an unknown action (none should be)
    as it was written."""
    text = ACTION_LABELS.get(action)
    return str(text) if text is not None else action


def detail(action: str, text: str) -> str:
    """An event's detail for reading: an intake's channel and a block
    rejection by their labels, everything else (logins, numbers, codes) as
    written."""
    if action == "intake" and text in Channel.values:
        return str(Channel(text).label)
    if action == "reject" and text == "block":
        return str(_("with others, as a block"))
    return text
