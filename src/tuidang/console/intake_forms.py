"""The console's intake forms. Like the public forms they only parse what was
sent into a `DeclarationInput`; every rule lives in `tuidang.registry.intake`,
whose errors are put back beside the field they concern.

One form serves the hotline, outbound calls, proxies and every transcription
channel: person slots p1…pN (N chosen by the volunteer, default 3), each named
by a generated alias, a chosen alias or the true name, or left empty; more
persons can be only counted. The group form adds a public label."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from tuidang.console.forms import PRIVATE
from tuidang.registry import organisations, places
from tuidang.registry.choices import Naming, ProxyRelationship, Rank, Sector
from tuidang.registry.intake import MAX_PERSONS, DeclarationInput, IntakeError, PersonInput
from tuidang.registry.models import ALIAS_MAX, CONTACT_MAX, NAME_MAX, STATEMENT_MAX

DEFAULT_SLOTS = 3
MAX_SLOTS = 50
NOTES_MAX = 20_000
SELF, PROXY = "self", "proxy"


def slot_count(value, default: int = DEFAULT_SLOTS) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, min(MAX_SLOTS, number))


def _optional(choices, label=None):
    return [("", label or _("— not given —"))] + list(choices)


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=())
    organisations = forms.MultipleChoiceField(
        label=_("Withdraws from"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    on_behalf = forms.ChoiceField(
        label=_("Who declares"),
        widget=forms.RadioSelect,
        choices=[(SELF, _("For themselves")), (PROXY, _("On behalf of others who asked"))],
        initial=SELF,
    )
    relationship = forms.ChoiceField(
        label=_("The others are their"),
        choices=_optional(ProxyRelationship.choices),
        required=False,
    )
    unnamed_persons = forms.IntegerField(
        label=_("More persons, only counted"),
        min_value=0,
        max_value=MAX_PERSONS,
        initial=0,
        required=False,
    )
    contact = forms.CharField(
        label=_("Contact (sealed; may be empty)"),
        required=False,
        max_length=CONTACT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, **PRIVATE}),
    )
    country = forms.ChoiceField(label=_("Country"), choices=())
    province = forms.ChoiceField(label=_("Province (China)"), choices=(), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=())
    rank = forms.ChoiceField(label=_("Rank"), required=False, choices=())
    statement = forms.CharField(
        label=_("Statement as dictated (may be published after scrubbing)"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    slots = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_SLOTS)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, channels=(), slots=DEFAULT_SLOTS, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot_total = slots
        self.fields["channel"].choices = list(channels)
        self.fields["channel"].initial = channels[0][0] if channels else None
        if len(channels) == 1:
            self.fields["channel"].widget = forms.HiddenInput()
        self.fields["organisations"].choices = organisations.choices()
        self.fields["organisations"].initial = [organisations.codes()[0]]
        self.fields["country"].choices = places.country_choices()
        self.fields["country"].initial = places.CHINA
        self.fields["province"].choices = _optional(places.province_choices())
        self.fields["sector"].choices = _optional(Sector.choices)
        self.fields["rank"].choices = _optional(Rank.choices)
        self.fields["slots"].initial = slots
        self.fields["token"].initial = secrets.token_urlsafe(24)
        for n in range(1, slots + 1):
            self.fields[f"p{n}_naming"] = forms.ChoiceField(
                label=_("Person %(n)d is named") % {"n": n},
                required=False,
                choices=[
                    ("", _("— nobody —")),
                    (Naming.GENERATED_ALIAS, _("by an alias we make")),
                    (Naming.ALIAS, _("by an alias they choose")),
                    (Naming.TRUE_NAME, _("by their true name")),
                ],
                initial=Naming.GENERATED_ALIAS if n == 1 else "",
            )
            self.fields[f"p{n}_true_name"] = forms.CharField(
                label=_("True name (sealed; may be empty)"),
                required=False,
                max_length=NAME_MAX,
                widget=forms.TextInput(attrs=PRIVATE),
            )
            self.fields[f"p{n}_alias"] = forms.CharField(
                label=_("Alias"),
                required=False,
                max_length=ALIAS_MAX,
                widget=forms.TextInput(attrs=PRIVATE),
            )

    def person_slots(self):
        return [
            (n, self[f"p{n}_naming"], self[f"p{n}_true_name"], self[f"p{n}_alias"])
            for n in range(1, self.slot_total + 1)
        ]

    def used_slots(self) -> list[int]:
        return [n for n in range(1, self.slot_total + 1) if self.cleaned_data.get(f"p{n}_naming")]

    def clean(self):
        data = super().clean()
        if data.get("on_behalf") == PROXY and not data.get("relationship"):
            self.add_error("relationship", _("Say whom they declare for."))
        return data

    def to_input(self, group_id: int | None = None) -> DeclarationInput:
        data = self.cleaned_data
        people = [
            PersonInput(data[f"p{n}_naming"], data[f"p{n}_true_name"], data[f"p{n}_alias"])
            for n in self.used_slots()
        ]
        proxy = data["on_behalf"] == PROXY and group_id is None
        return DeclarationInput(
            channel=data["channel"],
            organisations=data["organisations"],
            people=people,
            unnamed_persons=data.get("unnamed_persons") or 0,
            by_proxy=proxy,
            proxy_relationship=data["relationship"] if proxy else "",
            contact=data["contact"],
            country=data["country"],
            province=data["province"],
            sector=data["sector"],
            rank=data["rank"],
            statement=data["statement"],
            group_id=group_id,
            idempotency_key="console:" + data["token"],
        )

    def add_intake_errors(self, error: IntakeError) -> None:
        used = self.used_slots()
        for path, messages in error.errors.items():
            parts = path.split(".")
            if len(parts) == 3 and int(parts[1]) < len(used):
                field = f"p{used[int(parts[1])]}_{parts[2]}"
            else:
                field = {"people": None, "group": None}.get(path, path)
            if field not in self.fields:
                field = None
            for message in messages:
                self.add_error(field, message)


class GroupForm(IntakeForm):
    label = forms.CharField(
        label=_("Group label (public; must not identify anyone)"),
        max_length=120,
        widget=forms.TextInput(attrs=PRIVATE),
    )
    field_order = ["label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf"].widget = forms.HiddenInput()
        self.fields["on_behalf"].initial = SELF
        self.fields["relationship"].widget = forms.HiddenInput()


class NotesField(forms.CharField):
    def __init__(self, label):
        super().__init__(
            label=label,
            required=False,
            max_length=NOTES_MAX,
            widget=forms.Textarea(attrs={"rows": 3, **PRIVATE}),
        )


class HotlineForm(IntakeForm):
    notes = NotesField(_("Call notes (kept encrypted, deleted after the retention period)"))


class TextOriginalForm(IntakeForm):
    """Email and in person: the original text is kept, encrypted, until retention."""

    original = NotesField(_("Original text (kept encrypted, deleted after the retention period)"))


class PhotoOriginalForm(IntakeForm):
    """Fax, banknote or poster: a photo, re-encoded without metadata, kept encrypted."""

    photo = forms.FileField(
        label=_("Photo or scan (JPEG, PNG or WebP)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
