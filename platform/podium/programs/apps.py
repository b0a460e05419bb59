from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "podium.programs"
    verbose_name = "Scoring programs"

    def ready(self):
        from podium.programs.taskfile import ProgramExtension
        from podium.sharedtasks.taskfile.extensions import register

        register(ProgramExtension())
