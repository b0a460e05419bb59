"""Reads of baseline runs for the participant pages."""

from django.db.models import Q

from podium.baselineruns.models import BaselineRun
from podium.sharedtasks.models import SharedTask
from podium.submissions.models import Submission


def baseline_subtasks_training(*, task: SharedTask) -> list[str]:
    """Titles of the task's subtasks whose baseline row is still to come: a run queued or
    training, or trained with its submissions not scored yet (a failed run is not waited for)."""
    runs = BaselineRun.objects.filter(subtask__task=task).filter(
        Q(status__in=[BaselineRun.Status.QUEUED, BaselineRun.Status.RUNNING])
        | Q(status=BaselineRun.Status.DONE, submissions__status__in=Submission.ACTIVE_STATUSES)
    )
    rows = runs.order_by("subtask__position", "subtask__slug").values_list(
        "subtask__position", "subtask__slug", "subtask__title"
    )
    return [title for _, _, title in rows.distinct()]
