"""Django system checks for the registry's configuration (run by `check`,
`migrate` and at server start)."""

import re

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from tuidang.registry import sealing
from tuidang.registry.models import ORGANISATION_CODE, ORGANISATION_CODE_MAX


@checks.register(checks.Tags.security, deploy=True)
def custodian_recipients_configured(app_configs, **kwargs):
    try:
        sealing.recipients()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="tuidang.E001")]
    return []


@checks.register()
def organisations_configured(app_configs, **kwargs):
    """TUIDANG_ORGANISATIONS is only the initial set (seeded into an empty
    table), but a bad code there would fail the first migration."""
    codes = settings.TUIDANG_ORGANISATIONS
    if not codes or any(
        not re.match(ORGANISATION_CODE, code) or len(code) > ORGANISATION_CODE_MAX for code in codes
    ):
        return [
            checks.Error(
                "TUIDANG_ORGANISATIONS must list one or more codes [a-z][a-z0-9_]* "
                f"of at most {ORGANISATION_CODE_MAX} characters.",
                id="tuidang.E002",
            )
        ]
    return []
