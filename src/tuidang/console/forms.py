"""Console forms for accounts and moderation. Intake forms live in intake_forms.py,
those of organisations and milestones in configuration_forms.py."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tuidang.console.roles import Role
from tuidang.registry.choices import RejectReason, RevokeReason
from tuidang.registry.models import STATEMENT_MAX

PRIVATE = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, **PRIVATE}),
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code shown by your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )


class JoinForm(forms.Form):
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("The same password again"), widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            raise forms.ValidationError(_("The two passwords differ."))
        if len(data.get("password") or "") < 12:
            raise forms.ValidationError(_("Use at least 12 characters."))
        password_validation.validate_password(data.get("password") or "", self.user)
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Console language"), choices=settings.LANGUAGES)


class InviteForm(forms.Form):
    username = forms.RegexField(
        label=_("Login"),
        regex=r"^[a-z0-9_.-]{3,40}$",
        error_messages={"invalid": _("3 to 40 lowercase letters, digits, dot, dash.")},
        widget=forms.TextInput(attrs=PRIVATE),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RecipientsForm(forms.Form):
    recipients = forms.CharField(
        label=_("Custodian public keys (age1…, one a line)"),
        widget=forms.Textarea(attrs={"rows": 5, **PRIVATE}),
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectReason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("reason") == RejectReason.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Another reason needs a note."))
        return data


class DuplicateForm(forms.Form):
    original = forms.IntegerField(label=_("Duplicate of declaration number"), min_value=1)


class StatementForm(forms.Form):
    statement = forms.CharField(
        label=_("Public statement text"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=RevokeReason.choices)


class UnsealRequestForm(forms.Form):
    """A custodian's request to export sealed values (console/unsealing.py)."""

    scope = forms.ChoiceField(
        label=_("What to export"),
        choices=[
            ("declarations", _("The sealed values of the declarations listed below")),
            ("everything", _("Everything (key rotation): needs two other custodians")),
        ],
        widget=forms.RadioSelect,
        initial="declarations",
    )
    declarations = forms.CharField(
        label=_("Declaration numbers, separated by spaces or commas"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    reason = forms.CharField(
        label=_("Reason (who asked, why these values must be opened)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, **PRIVATE}),
    )

    def clean_declarations(self):
        text = self.cleaned_data["declarations"].replace(",", " ").replace("#", " ")
        try:
            ids = [int(part) for part in text.split()]
        except ValueError:
            raise forms.ValidationError(_("Only declaration numbers, please.")) from None
        if any(n <= 0 or n > 2**62 for n in ids):
            raise forms.ValidationError(_("Only declaration numbers, please."))
        return ids

    def clean(self):
        data = super().clean()
        if data.get("scope") == "declarations" and not data.get("declarations"):
            self.add_error("declarations", _("Name at least one declaration."))
        return data
