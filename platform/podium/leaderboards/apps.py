from django.apps import AppConfig


class LeaderboardsConfig(AppConfig):
    name = "podium.leaderboards"

    def ready(self) -> None:
        from podium.submissions.records import board_inputs_changed

        from .snapshots import board_request_rebuild

        def rebuild(sender, *, phase_id: int, subtask_id: int, **kwargs) -> None:
            board_request_rebuild(phase_id=phase_id, subtask_id=subtask_id)

        board_inputs_changed.connect(rebuild, dispatch_uid="leaderboards.rebuild", weak=False)

        from . import invalidation

        invalidation.connect()
