"""Django system checks for the registry's configuration (run by `check`,
`migrate` and at server start)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from tuidang.registry import sealing


@checks.register(checks.Tags.security, deploy=True)
def custodian_recipients_configured(app_configs, **kwargs):
    try:
        sealing.recipients()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="tuidang.E001")]
    return []


@checks.register()
def organisations_configured(app_configs, **kwargs):
    codes = settings.TUIDANG_ORGANISATIONS
    if not codes or any(not code.isascii() or not code.isidentifier() for code in codes):
        return [
            checks.Error(
                "TUIDANG_ORGANISATIONS must list one or more lowercase codes.", id="tuidang.E002"
            )
        ]
    return []
