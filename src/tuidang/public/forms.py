"""Forms of the public site. They only parse what the browser sent into a
`DeclarationInput`; the rules live once, in `tuidang.registry.intake`, whose
errors are put back beside the field they concern."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from tuidang.registry import organisations, places
from tuidang.registry.choices import Channel, Naming, ProxyRelationship, Rank, Sector
from tuidang.registry.intake import DeclarationInput, IntakeError, PersonInput
from tuidang.registry.models import ALIAS_MAX, CONTACT_MAX, NAME_MAX, STATEMENT_MAX

PROXY_SLOTS = 5
PROXY_MAX_UNNAMED = 50
PRIVATE = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


def _optional(choices, label):
    return [("", label)] + list(choices)


class _DeclarationFields(forms.Form):
    """Fields shared by both declaration forms."""

    organisations = forms.MultipleChoiceField(
        label=_("I withdraw from"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    country = forms.ChoiceField(label=_("Country"), choices=())
    province = forms.ChoiceField(label=_("Province (China)"), choices=(), required=False)
    sector = forms.ChoiceField(label=_("Sector (optional)"), required=False, choices=())
    rank = forms.ChoiceField(label=_("Rank (optional)"), required=False, choices=())
    statement = forms.CharField(
        label=_("Statement (optional, may be published)"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact = forms.CharField(
        label=_("Contact (optional, sealed, never published)"),
        required=False,
        max_length=CONTACT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = organisations.choices()
        self.fields["country"].choices = places.country_choices()
        self.fields["country"].initial = places.CHINA
        self.fields["province"].choices = _optional(places.province_choices(), _("— not given —"))
        self.fields["sector"].choices = _optional(Sector.choices, _("— not given —"))
        self.fields["rank"].choices = _optional(Rank.choices, _("— not given —"))
        self.fields["token"].initial = secrets.token_urlsafe(24)

    def common_input(self) -> dict:
        data = self.cleaned_data
        return {
            "channel": Channel.WEB,
            "organisations": data["organisations"],
            "country": data["country"],
            "province": data["province"],
            "sector": data["sector"],
            "rank": data["rank"],
            "statement": data["statement"],
            "contact": data["contact"],
            "idempotency_key": "web:" + data["token"],
        }

    def person_field(self, index: int, name: str) -> str:
        """The form field for `people.<index>.<name>` of an intake error."""
        return name

    def add_intake_errors(self, error: IntakeError) -> None:
        for path, messages in error.errors.items():
            parts = path.split(".")
            field = self.person_field(int(parts[1]), parts[2]) if len(parts) == 3 else path
            if field not in self.fields:
                field = None
            for message in messages:
                self.add_error(field, message)


class DeclareSelfForm(_DeclarationFields):
    naming = forms.ChoiceField(
        label=_("How should we name you in public?"),
        widget=forms.RadioSelect,
        choices=[
            (Naming.GENERATED_ALIAS, _("Make an alias for me")),
            (Naming.ALIAS, _("My own alias")),
            (Naming.TRUE_NAME, _("My true name")),
        ],
        initial=Naming.GENERATED_ALIAS,
    )
    true_name = forms.CharField(
        label=_("True name (optional, sealed)"),
        required=False,
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    alias = forms.CharField(
        label=_("Alias"),
        required=False,
        max_length=ALIAS_MAX,
        widget=forms.TextInput(attrs=PRIVATE),
    )

    field_order = ["organisations", "naming", "true_name", "alias"]

    def to_input(self) -> DeclarationInput:
        data = self.cleaned_data
        person = PersonInput(data["naming"], data["true_name"], data["alias"])
        return DeclarationInput(people=[person], **self.common_input())


class DeclareForOthersForm(_DeclarationFields):
    relationship = forms.ChoiceField(
        label=_("They are my"), choices=ProxyRelationship.choices, initial="relatives"
    )
    unnamed_persons = forms.IntegerField(
        label=_("Others, only counted (how many)"),
        min_value=0,
        max_value=PROXY_MAX_UNNAMED,
        initial=0,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in range(1, PROXY_SLOTS + 1):
            self.fields[f"p{slot}_naming"] = forms.ChoiceField(
                label=_("Person %(n)d is named") % {"n": slot},
                required=False,
                choices=[
                    ("", _("— nobody —")),
                    (Naming.GENERATED_ALIAS, _("by an alias we make")),
                    (Naming.ALIAS, _("by their own alias")),
                    (Naming.TRUE_NAME, _("by their true name")),
                ],
            )
            self.fields[f"p{slot}_true_name"] = forms.CharField(
                label=_("True name (optional, sealed)"),
                required=False,
                max_length=NAME_MAX,
                widget=forms.TextInput(attrs=PRIVATE),
            )
            self.fields[f"p{slot}_alias"] = forms.CharField(
                label=_("Alias"),
                required=False,
                max_length=ALIAS_MAX,
                widget=forms.TextInput(attrs=PRIVATE),
            )

    def slots(self):
        """(naming, true_name, alias) bound fields for each person slot, for the template."""
        return [
            (self[f"p{n}_naming"], self[f"p{n}_true_name"], self[f"p{n}_alias"])
            for n in range(1, PROXY_SLOTS + 1)
        ]

    def _used_slots(self) -> list[int]:
        return [n for n in range(1, PROXY_SLOTS + 1) if self.cleaned_data.get(f"p{n}_naming")]

    def person_field(self, index: int, name: str) -> str:
        return f"p{self._used_slots()[index]}_{name}"

    def to_input(self) -> DeclarationInput:
        data = self.cleaned_data
        people = [
            PersonInput(data[f"p{n}_naming"], data[f"p{n}_true_name"], data[f"p{n}_alias"])
            for n in self._used_slots()
        ]
        return DeclarationInput(
            people=people,
            unnamed_persons=data.get("unnamed_persons") or 0,
            by_proxy=True,
            proxy_relationship=data["relationship"],
            **self.common_input(),
        )


class ReceiptLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(attrs={**PRIVATE, "placeholder": "XXXX-XXXX-XXXX-XXXX"}),
    )


class WithdrawForm(ReceiptLookupForm):
    """The receipt code of the declaration to withdraw and, on the confirmation
    page, the declarant's explicit confirmation."""

    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."), required=False
    )
