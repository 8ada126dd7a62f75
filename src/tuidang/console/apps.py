"""Django app configuration for the console."""

from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tuidang.console"
    label = "console"
