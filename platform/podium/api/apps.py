from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "podium.api"
    label = "api"
    verbose_name = "API"
