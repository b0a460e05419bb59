"""Reads of submissions as a viewer may see them, and what a team may still submit.

Another team's submission answers "not found", never "forbidden": its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from podium.sharedtasks.models import Phase, SharedTask
from podium.submissions.models import Submission
from podium.submissions.quotas import team_quota
from podium.submissions.uploads import SubmissionRefused, submitting_team
from podium.teams.models import Team


def visible_submissions(viewer) -> QuerySet[Submission]:
    """Submissions the viewer may read: their teams', the tasks they organise; all for superusers.

    Baselines (no team) are therefore visible to organisers only.
    """
    submissions = Submission.objects.select_related("phase__task", "subtask", "team")
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return submissions.none()
    if viewer.is_superuser:
        return submissions
    return submissions.filter(
        Q(team__memberships__user=viewer)
        | Q(phase__task__in=SharedTask.objects.organised_by(viewer))
    ).distinct()


def team_submissions(viewer, *, task: SharedTask | None = None, phase: Phase | None = None):
    """The submissions of the viewer's own teams (not everything an organiser may read)."""
    if viewer is None or not viewer.is_authenticated:
        return Submission.objects.none()
    submissions = Submission.objects.filter(team__memberships__user=viewer)
    if task is not None:
        submissions = submissions.filter(phase__task=task)
    if phase is not None:
        submissions = submissions.filter(phase=phase)
    return (
        submissions.select_related("phase__task", "subtask", "team")
        .prefetch_related("scores")
        .distinct()
    )


@dataclass(frozen=True)
class Allowance:
    """What the viewer's team may still submit in a phase today, or why it may not submit."""

    phase: Phase
    team: Team | None
    left_today: int | None  # None: no daily or total limit
    resets_at: datetime | None
    refusal: str = ""
    failed_left_today: int | None = None  # None: no allowance of failures (or no team)


def allowance(viewer, phase: Phase) -> Allowance:
    try:
        team = submitting_team(user=viewer, phase=phase)
    except SubmissionRefused as refused:
        return Allowance(
            phase=phase, team=None, left_today=None, resets_at=None, refusal=refused.message
        )
    quota = team_quota(team=team, phase=phase)
    return Allowance(
        phase=phase,
        team=team,
        left_today=quota.left_today,
        resets_at=quota.resets_at,
        failed_left_today=quota.failed_left_today,
    )


def submission_file_open(submission: Submission):
    """The stored prediction file opened for reading, or None when it is no longer stored."""
    field = submission.file
    if not field.name or not field.storage.exists(field.name):
        return None
    return field.storage.open(field.name, "rb")
