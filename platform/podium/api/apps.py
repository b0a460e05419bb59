from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "podium.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the Celery job (see jobs.py)
