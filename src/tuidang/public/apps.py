"""Django app configuration for the public site."""

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "tuidang.public"
    label = "public"
