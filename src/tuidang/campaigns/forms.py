"""Forms of the campaign leads' pages (views/leads.py): a campaign's settings
and status, its spacing per retry outcome, calling windows, holidays, script
versions, the target-list upload and numbers for the do-not-call list.

Forms only parse and check input; the views write. None of them echoes a
target's name or number back in an error message."""

import datetime

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from tuidang.campaigns import phones, scripts
from tuidang.campaigns.choices import DEFAULT_SPACING_MINUTES, RetryOutcome
from tuidang.campaigns.models import CallingWindow, Campaign
from tuidang.registry.text import normalise_line

PLAIN = {"autocomplete": "off", "spellcheck": "false"}
MAX_SPACING_MINUTES = 366 * 24 * 60
# The bounds of Campaign's validators, shown to the browser as min and max.
MAX_ATTEMPTS = 50
MAX_GAP_MINUTES = 7 * 24 * 60
MAX_DO_NOT_CALL_LINES = 1000
MAX_DO_NOT_CALL_CHARS = 40_000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class CampaignForm(forms.ModelForm):
    """A new campaign: its settings, without the status (a new one is a draft)."""

    class Meta:
        model = Campaign
        fields = [
            "name",
            "purpose",
            "start_day",
            "end_day",
            "attempt_limit",
            "minimum_gap_minutes",
            "time_zone",
            "practice",
        ]
        labels = {
            "name": _("Name"),
            "purpose": _("Purpose (shown to callers)"),
            "start_day": _("First day"),
            "end_day": _("Last day"),
            "attempt_limit": _("Attempts per target, at most"),
            "minimum_gap_minutes": _("Minutes between two calls to one target, at least"),
            "time_zone": _("Time zone of targets whose zone neither the file nor the number gives"),
            "practice": _("Practice campaign (synthetic targets; agreements record nothing)"),
        }
        help_texts = {
            "time_zone": _("An IANA name, e.g. Asia/Shanghai."),
            "minimum_gap_minutes": "",
            "practice": "",
        }
        widgets = {
            "start_day": DateInput(),
            "end_day": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "attempt_limit": forms.NumberInput(attrs={"min": 1, "max": MAX_ATTEMPTS}),
            "minimum_gap_minutes": forms.NumberInput(attrs={"min": 1, "max": MAX_GAP_MINUTES}),
            "time_zone": forms.TextInput(attrs={"autocapitalize": "off", **PLAIN}),
        }

    def clean_name(self) -> str:
        name = normalise_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("This field is required."), code="required")
        return name


class CampaignSettingsForm(CampaignForm):
    """An existing campaign's settings and status. Whether it is practice is
    fixed once a call was recorded: a call made for practice must never count,
    and a real one must never be turned into practice."""

    class Meta(CampaignForm.Meta):
        fields = [*CampaignForm.Meta.fields, "status"]
        labels = {**CampaignForm.Meta.labels, "status": _("Status")}

    def __init__(self, *args, practice_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if practice_fixed:
            self.fields["practice"].disabled = True
            self.fields["practice"].help_text = _("Fixed: calls have been recorded.")


class SpacingForm(forms.Form):
    """Minutes before a target comes back, one field per retry outcome."""

    def __init__(self, *args, spacing: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        spacing = spacing or {}
        for outcome in RetryOutcome:
            self.fields[outcome.value] = forms.IntegerField(
                label=outcome.label,
                min_value=1,
                max_value=MAX_SPACING_MINUTES,
                initial=spacing.get(outcome.value, DEFAULT_SPACING_MINUTES[outcome.value]),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def spacing(self) -> dict[str, int]:
        return {outcome.value: self.cleaned_data[outcome.value] for outcome in RetryOutcome}


class WindowForm(forms.Form):
    """A calling window: a weekday's hours in each target's local time."""

    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=sorted(WEEKDAYS.items()), coerce=int
    )
    start = forms.TimeField(label=_("From"), widget=TimeInput())
    end = forms.TimeField(label=_("Until (not included)"), widget=TimeInput())

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean(self):
        data = super().clean()
        start, end, weekday = data.get("start"), data.get("end"), data.get("weekday")
        if start is None or end is None or weekday is None:
            return data
        if end <= start:
            self.add_error("end", _("The calling window ends before it starts."))
        elif self._overlaps(weekday, start, end):
            self.add_error("start", _("This window overlaps another one on the same day."))
        return data

    def _overlaps(self, weekday: int, start: datetime.time, end: datetime.time) -> bool:
        return CallingWindow.objects.filter(
            campaign=self.campaign, weekday=weekday, start__lt=end, end__gt=start
        ).exists()


class HolidayForm(forms.Form):
    day = forms.DateField(label=_("Day without calls"), widget=DateInput())

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_day(self) -> datetime.date:
        day = self.cleaned_data["day"]
        if self.campaign.holidays.filter(day=day).exists():
            raise forms.ValidationError(_("This day is already a holiday."))
        return day


class LinesField(forms.CharField):
    """Text with the browser's CRLF line breaks turned into LF before it is
    checked, so a length limit counts each line break once."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class ScriptForm(forms.Form):
    text = LinesField(
        label=_("New version (Markdown)"),
        max_length=scripts.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("A script cannot be empty.")},
    )

    def __init__(self, *args, current_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.current_text = current_text

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if text == self.current_text:
            raise forms.ValidationError(_("This is the current version already."))
        return text


class TargetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Target list (CSV, UTF-8)"),
        error_messages={
            "required": _("Choose a CSV file."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class DoNotCallForm(forms.Form):
    """Numbers for the do-not-call list, one per line; every bad line is named
    by its number, never by its content."""

    numbers = forms.CharField(
        label=_("Phone numbers, one per line (national numbers are read as Chinese)"),
        max_length=MAX_DO_NOT_CALL_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "inputmode": "tel", **PLAIN}),
        error_messages={"required": _("Enter at least one number.")},
    )

    def clean_numbers(self) -> list[str]:
        lines = self.cleaned_data["numbers"].splitlines()
        if len(lines) > MAX_DO_NOT_CALL_LINES:
            raise forms.ValidationError(
                _("At most %(n)d lines at a time."), params={"n": MAX_DO_NOT_CALL_LINES}
            )
        numbers, bad = [], []
        for line_number, line in enumerate(lines, start=1):
            raw = normalise_line(line)
            if not raw:
                continue
            try:
                numbers.append(phones.normalise(raw))
            except phones.PhoneError:
                bad.append(line_number)
        if bad:
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        _("Line %(line)d is not a possible phone number."), params={"line": n}
                    )
                    for n in bad
                ]
            )
        if not numbers:
            raise forms.ValidationError(_("Enter at least one number."))
        return numbers
