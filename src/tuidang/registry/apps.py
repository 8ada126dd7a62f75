"""Django app configuration for the registry: system checks, the per-request
memory of the organisations (organisations.py), and seeding the organisations
again after a `flush` empties the table (as Django does for content types)."""

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate


def _seed_organisations(sender, using="default", apps=global_apps, **kwargs):
    from tuidang.registry import seeding

    try:
        model = apps.get_model("registry", "Organisation")
    except LookupError:  # migrating backwards past 0003
        return
    seeding.seed_organisations(model, using=using)


class RegistryConfig(AppConfig):
    name = "tuidang.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tuidang.registry import checks, organisations  # noqa: F401  (registers system checks)

        request_started.connect(organisations.request_started, dispatch_uid="organisations")
        request_finished.connect(organisations.request_finished, dispatch_uid="organisations")
        post_migrate.connect(_seed_organisations, sender=self, dispatch_uid="organisations")
