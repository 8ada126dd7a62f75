"""Forms of the administrator's configuration screens: the organisations one can
withdraw from and the named milestone thresholds (views/configuration.py)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tuidang.registry.models import (
    ORGANISATION_CODE,
    ORGANISATION_CODE_MAX,
    ORGANISATION_NAME_MAX,
    MilestoneThreshold,
    Organisation,
)
from tuidang.registry.text import normalise_line

PLAIN = {"autocomplete": "off", "spellcheck": "false"}
THRESHOLD_MAX = 10**12


class OrganisationNamesForm(forms.Form):
    name_en = forms.CharField(label=_("Name in English"), max_length=ORGANISATION_NAME_MAX)
    name_zh_hans = forms.CharField(
        label=_("Name in Simplified Chinese (Traditional is derived from it)"),
        max_length=ORGANISATION_NAME_MAX,
    )

    def _name(self, field: str) -> str:
        value = normalise_line(self.cleaned_data[field])
        if not value:
            raise forms.ValidationError(_("This field is required."), code="required")
        return value

    def clean_name_en(self) -> str:
        return self._name("name_en")

    def clean_name_zh_hans(self) -> str:
        return self._name("name_zh_hans")


class OrganisationForm(OrganisationNamesForm):
    code = forms.RegexField(
        label=_("Code (in the public log; cannot be changed later)"),
        regex=ORGANISATION_CODE,
        max_length=ORGANISATION_CODE_MAX,
        error_messages={
            "invalid": _("Lowercase letters, digits and _, beginning with a letter."),
        },
        widget=forms.TextInput(attrs={"autocapitalize": "off", **PLAIN}),
    )

    field_order = ["code", "name_en", "name_zh_hans"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Organisation.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("This code is taken. Organisations are never deleted: reactivate it instead.")
            )
        return code


class ThresholdForm(forms.Form):
    value = forms.IntegerField(label=_("Persons"), min_value=1, max_value=THRESHOLD_MAX)
    label = forms.CharField(
        label=_("Label (optional, for volunteers)"),
        max_length=MilestoneThreshold._meta.get_field("label").max_length,
        required=False,
    )

    def clean_value(self) -> int:
        value = self.cleaned_data["value"]
        step = settings.TUIDANG_MILESTONE_STEP
        if value % step == 0:
            raise forms.ValidationError(
                _("Every multiple of %(step)s is a milestone already."), params={"step": step}
            )
        if MilestoneThreshold.objects.filter(value=value).exists():
            raise forms.ValidationError(_("This threshold is already named."))
        return value

    def clean_label(self) -> str:
        return normalise_line(self.cleaned_data["label"])
