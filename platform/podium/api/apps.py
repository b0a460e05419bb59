from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "podium.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from podium.leaderboards.snapshot_format import register_part

        from .leaderboards import ROWS_PART, ROWS_PART_VERSION, rows_json

        register_part(ROWS_PART, version=ROWS_PART_VERSION, render=rows_json)

        from . import jobs  # noqa: F401 - registers the Celery job (see jobs.py)
