"""Reads of tasks, phases and data splits as a viewer may see them (pages and API share these).

Lookups answer "not found" rather than "forbidden" where telling the two apart would reveal that a
draft task exists.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from podium.leaderboards.visibility import format_when
from podium.permissions import organises
from podium.sharedtasks.models import Dataset, Phase, SharedTask
from podium.teams.models import Registration, Team


def visible_tasks(viewer) -> QuerySet[SharedTask]:
    """Published tasks for everyone; drafts only for their organisers (all for superusers)."""
    tasks = SharedTask.objects.all()
    if viewer is None or not viewer.is_authenticated:
        return tasks.published()
    if viewer.is_superuser:
        return tasks
    return tasks.filter(
        Q(visibility=SharedTask.Visibility.PUBLISHED) | Q(organisers=viewer)
    ).distinct()


def visible_phases(viewer) -> QuerySet[Phase]:
    return Phase.objects.filter(task__in=visible_tasks(viewer)).select_related("task")


def is_organiser_of(viewer, task: SharedTask) -> bool:
    return bool(viewer and viewer.is_authenticated and viewer.is_active and organises(viewer, task))


def approved_teams(viewer, task: SharedTask) -> QuerySet[Team]:
    """The viewer's teams whose registration for `task` is approved."""
    if viewer is None or not viewer.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(
        memberships__user=viewer,
        registrations__task=task,
        registrations__status=Registration.Status.APPROVED,
    ).distinct()


def split_available_from(task: SharedTask, split: str) -> datetime | None:
    """When participants may download a split's inputs: None means now.

    Training data is public from the start. Dev and test inputs are released when the first phase
    that scores them starts, so that nobody predicts on test inputs before the evaluation opens.
    A split that no phase scores is extra material, released at once.
    """
    if split == Dataset.Split.TRAIN:
        return None
    # Reads task.phases.all(), so a prefetched list (the task catalogue) costs no query.
    starts = [phase.start for phase in task.phases.all() if phase.split == split]
    start = min(starts, default=None)
    if start is None or start <= timezone.now():
        return None
    return start


def download_refusal(viewer, task: SharedTask, split: str) -> str | None:
    """Why the viewer may not download the split's inputs, or None when they may."""
    if is_organiser_of(viewer, task):
        return None
    if not approved_teams(viewer, task).exists():
        return (
            "Only members of a team with an approved registration for this task "
            "may download its data."
        )
    opens = split_available_from(task, split)
    if opens is not None:
        return f"The {split} inputs are released on {format_when(opens)}."
    return None
