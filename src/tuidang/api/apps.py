"""Django app configuration for the JSON API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tuidang.api"
    label = "api"
