"""Which edits make a board's snapshot stale, besides a score, a reveal or a hide.

Receivers of Django's model signals, connected in LeaderboardsConfig.ready(): an edit through
the admin, a service or the shell changes what a board shows (a phase's selection rule, a
subtask's primary metric or direction, a team's name, a deleted submission), and each writer
would otherwise have to remember the snapshots. They only ask for a debounced rebuild
(`board_request_rebuild` is idempotent), so no counter or business rule hides in a signal.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from podium.sharedtasks.models import Phase, Subtask
from podium.submissions.models import Submission
from podium.teams.models import Team

from .snapshots import board_request_rebuild, phase_boards_request_rebuild


def _phase_changed(sender, instance: Phase, created: bool, **kwargs) -> None:
    if not created:
        phase_boards_request_rebuild(phase=instance)


def _subtask_changed(sender, instance: Subtask, created: bool, **kwargs) -> None:
    if not created:
        for phase_id in instance.task.phases.values_list("pk", flat=True):
            board_request_rebuild(phase_id=phase_id, subtask_id=instance.pk)


def _team_changed(sender, instance: Team, created: bool, **kwargs) -> None:
    if created:
        return
    boards = Submission.objects.filter(team=instance).values_list("phase_id", "subtask_id")
    for phase_id, subtask_id in boards.order_by().distinct():
        board_request_rebuild(phase_id=phase_id, subtask_id=subtask_id)


def _submission_deleted(sender, instance: Submission, **kwargs) -> None:
    if Phase.objects.filter(pk=instance.phase_id).exists():  # not a whole task being deleted
        board_request_rebuild(phase_id=instance.phase_id, subtask_id=instance.subtask_id)


def connect() -> None:
    post_save.connect(_phase_changed, sender=Phase, dispatch_uid="boards.phase")
    post_save.connect(_subtask_changed, sender=Subtask, dispatch_uid="boards.subtask")
    post_save.connect(_team_changed, sender=Team, dispatch_uid="boards.team")
    post_delete.connect(_submission_deleted, sender=Submission, dispatch_uid="boards.submission")
