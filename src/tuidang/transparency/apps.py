"""Django app configuration for the served public log."""

from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "tuidang.transparency"
    label = "transparency"
