"""Celery jobs of the leaderboards app: adapters around services."""

from celery import shared_task

from .services import phases_reveal_due
from .snapshots import board_rebuild, boards_sweep


@shared_task(name="leaderboards.reveal_due_phases")
def reveal_due_phases() -> int:
    """Beat job (e.g. every minute): record the reveal of private_at_end phases past their end."""
    return phases_reveal_due()


@shared_task(name="leaderboards.rebuild_board", acks_late=True, ignore_result=True)
def rebuild_board(phase_id: int, subtask_id: int) -> bool:
    """Debounced rebuild of one board's snapshots (see leaderboards.snapshots)."""
    return board_rebuild(phase_id=phase_id, subtask_id=subtask_id)


@shared_task(name="leaderboards.sweep_boards", ignore_result=True)
def sweep_boards() -> int:
    """Beat job: lost rebuilds, and boards that never had a snapshot."""
    return boards_sweep()
