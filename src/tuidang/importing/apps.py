"""Django app configuration for bulk import."""

from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "tuidang.importing"
    label = "importing"
    default_auto_field = "django.db.models.BigAutoField"
