"""Django app configuration for the registry."""

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tuidang.registry"
    label = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tuidang.registry import checks  # noqa: F401  (registers system checks)
