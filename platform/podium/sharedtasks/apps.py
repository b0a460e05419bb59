from django.apps import AppConfig


class SharedTasksConfig(AppConfig):
    name = "podium.sharedtasks"
    verbose_name = "Shared tasks"
