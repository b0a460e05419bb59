from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "podium.programs"
    verbose_name = "Scoring programs"
