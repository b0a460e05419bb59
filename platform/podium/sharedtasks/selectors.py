"""Reads of tasks, phases and data splits as a viewer may see them (pages and API share these).

Lookups answer "not found" rather than "forbidden" where telling the two apart would reveal that a
draft task exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from podium.sharedtasks.models import Dataset, Phase, SharedTask


def visible_tasks(viewer) -> QuerySet[SharedTask]:
    """Published tasks for everyone; drafts only for their organisers (all for superusers)."""
    tasks = SharedTask.objects.all()
    if viewer is None or not viewer.is_authenticated:
        return tasks.published()
    if viewer.is_superuser:
        return tasks
    return tasks.filter(
        Q(visibility=SharedTask.Visibility.PUBLISHED)
        | Q(pk__in=SharedTask.objects.organised_by(viewer))
    )


def visible_phases(viewer) -> QuerySet[Phase]:
    return Phase.objects.filter(task__in=visible_tasks(viewer)).select_related("task")


def is_organiser_of(viewer, task: SharedTask) -> bool:
    """Whether the viewer organises `task` (superusers organise every task); no query for an
    anonymous or inactive viewer."""
    return SharedTask.objects.organised_by(viewer).filter(pk=task.pk).exists()


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


def format_when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
