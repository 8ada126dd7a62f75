"""Django app configuration for outbound call campaigns."""

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "tuidang.campaigns"
    label = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"
