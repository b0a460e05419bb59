from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "podium.web"
    label = "web"

    def ready(self) -> None:
        from podium.leaderboards.snapshot_format import register_part

        from .board_parts import PART, part_version, render_board

        register_part(PART, version=part_version(), render=render_board)
