from django.apps import AppConfig


class BaselineRunsConfig(AppConfig):
    name = "podium.baselineruns"
    verbose_name = "Baselines"
