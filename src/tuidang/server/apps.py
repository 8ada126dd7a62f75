"""Django app configuration for the server commands."""

from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "tuidang.server"
    label = "server"
