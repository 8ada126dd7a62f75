"""Forms of the call screen: the outcome of a call (with notes and, for a
callback, the local time the person asked for), and the one-step agreement
"registered under an alias we make"."""

import datetime
import secrets
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from tuidang.campaigns.choices import AGREEMENTS, Outcome
from tuidang.console.forms import PRIVATE
from tuidang.console.intake_forms import NOTES_MAX
from tuidang.registry import organisations

# Outcomes posted from the call screen; agreements go through an intake form.
SCREEN_OUTCOMES = [(value, label) for value, label in Outcome.choices if value not in AGREEMENTS]
CALLBACK_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=SCREEN_OUTCOMES)
    script = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    notes = forms.CharField(
        label=_("Call notes (kept encrypted, deleted after the retention period)"),
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3, **PRIVATE}),
    )
    callback_local = forms.CharField(
        label=_("Call back at (their local time)"),
        required=False,
        max_length=20,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone

    def clean_callback_local(self) -> datetime.datetime | None:
        text = self.cleaned_data["callback_local"].strip()
        if not text:
            return None
        for layout in CALLBACK_FORMATS:
            try:
                naive = datetime.datetime.strptime(text, layout)
            except ValueError:
                continue
            return naive.replace(tzinfo=ZoneInfo(self.time_zone))
        raise forms.ValidationError(_("Give a date and time, e.g. 2026-03-02 15:30."))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.CALLBACK and not data.get("callback_local"):
            if "callback_local" not in self.errors:
                self.add_error(
                    "callback_local", _("Give the local time the person asked to be called back.")
                )
        return data


class AliasAgreementForm(forms.Form):
    """ "All right" is enough: one person, under an alias we make, no name."""

    organisations = forms.MultipleChoiceField(
        label=_("Withdraws from"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = organisations.choices()
        self.fields["organisations"].initial = [organisations.codes()[0]]
        self.fields["token"].initial = secrets.token_urlsafe(24)
