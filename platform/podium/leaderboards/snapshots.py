"""Building the board snapshots, and asking for a rebuild when a board changes.

The flow: a score, a reveal or a rescore calls `board_request_rebuild` (scoring reaches it
through the `board_inputs_changed` signal). That stamps `changed_at` on the board's snapshot
rows and, unless a rebuild job is already waiting (`queued`), enqueues one with a countdown of
`PODIUM_BOARD_DEBOUNCE_S`: during a deadline rush every upload in that window rides on the same
job. The job claims the request (queued -> false, a conditional UPDATE), builds each partition's
board from the database as it is at that moment, renders the surfaces' parts from it (the
API's row JSON, the page's table: snapshot_format), and stores each in one transaction. Readers keep
getting the previous snapshot, marked stale, until then. A newly scored submission is on its
board after at most the debounce plus one build (see docs/leaderboards.md for measured times).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from podium.celery import send_job
from podium.sharedtasks.models import Phase, Subtask
from podium.submissions.models import Submission

from .models import BoardSnapshot, BoardSnapshotPart
from .selectors import live_board
from .snapshot_format import FORMAT, board_parts, board_to_snapshot, part_keys
from .statistics import board_with_statistics
from .visibility import ALL, PRIVATE, PUBLIC, is_partitioned

log = logging.getLogger(__name__)
# A job that has not started this long after it was queued is taken as lost (broker restart).
LOST_AFTER = timedelta(minutes=2)
REBUILD_JOB = "leaderboards.rebuild_board"


def board_partitions(phase: Phase) -> list[str]:
    return [PUBLIC, PRIVATE] if is_partitioned(phase) else [ALL]


def _enqueue(phase_id: int, subtask_id: int) -> None:
    # If the broker refuses it, the board stays queued: `boards_sweep` sends the job again.
    send_job(
        REBUILD_JOB,
        args=[phase_id, subtask_id],
        waits=f"board {phase_id}/{subtask_id} waits",
        countdown=settings.PODIUM_BOARD_DEBOUNCE_S,
    )


def board_request_rebuild(*, phase_id: int, subtask_id: int, now: datetime | None = None) -> bool:
    """Mark the board changed and enqueue a rebuild unless one is waiting; True if enqueued."""
    now = now or timezone.now()
    phase = Phase.objects.get(pk=phase_id)
    with transaction.atomic():
        for partition in board_partitions(phase):
            BoardSnapshot.objects.get_or_create(
                phase_id=phase_id, subtask_id=subtask_id, partition=partition
            )
        snapshots = BoardSnapshot.objects.filter(phase_id=phase_id, subtask_id=subtask_id)
        snapshots.update(changed_at=now)
        enqueue = snapshots.filter(queued=False).update(queued=True) > 0
        if enqueue:
            transaction.on_commit(lambda: _enqueue(phase_id, subtask_id))
    return enqueue


def phase_boards_request_rebuild(*, phase: Phase) -> None:
    """Every board of a phase (after a reveal or a hide)."""
    for subtask_id in phase.task.subtasks.values_list("pk", flat=True):
        board_request_rebuild(phase_id=phase.pk, subtask_id=subtask_id)


def board_rebuild(*, phase_id: int, subtask_id: int) -> bool:
    """Build and store the board's snapshots if a rebuild was asked; False if none was."""
    claimed = BoardSnapshot.objects.filter(
        phase_id=phase_id, subtask_id=subtask_id, queued=True
    ).update(queued=False)
    if not claimed:
        return False
    phase = Phase.objects.select_related("task").get(pk=phase_id)
    subtask = Subtask.objects.get(pk=subtask_id)
    for partition in board_partitions(phase):
        started = time.perf_counter()
        now = timezone.now()
        board = board_with_statistics(
            live_board(phase=phase, subtask=subtask, partition=partition, now=now),
            phase=phase,
            subtask=subtask,
        )
        stored, parts = board_to_snapshot(board), board_parts(board)
        snapshot = BoardSnapshot.objects.filter(
            phase_id=phase_id, subtask_id=subtask_id, partition=partition
        )
        with transaction.atomic():
            # The row lock makes a second job that got here meanwhile wait, then replace these
            # parts (it would otherwise not see them and insert a duplicate part).
            pks = list(snapshot.select_for_update().values_list("pk", flat=True))
            snapshot.update(**stored, built_at=now, build_seconds=time.perf_counter() - started)
            BoardSnapshotPart.objects.filter(snapshot_id__in=pks).delete()
            BoardSnapshotPart.objects.bulk_create(
                BoardSnapshotPart(snapshot_id=pk, key=key, text=text)
                for pk in pks
                for key, text in parts.items()
            )
    return True


def outdated_snapshots():
    """Built snapshots of another format, or without one of the current parts (a part's
    template or code changed): readers do not use them, or render the part at read time."""
    outdated = Q(head__isnull=True) | ~Q(head__format=FORMAT)
    for key in part_keys():
        has_part = BoardSnapshotPart.objects.filter(snapshot=OuterRef("pk"), key=key)
        outdated |= Q(~Exists(has_part))
    return (
        BoardSnapshot.objects.filter(board__isnull=False)
        .filter(outdated)
        .order_by()
        .values_list("phase_id", "subtask_id")
        .distinct()
    )


def boards_sweep(*, now: datetime | None = None) -> int:
    """Beat job: re-send lost rebuilds, ask for the first build of boards that have scored
    submissions but no snapshot (data from before snapshots existed), and the rebuild of
    snapshots of an older format (`outdated_snapshots`). Returns how many boards."""
    now = now or timezone.now()
    lost = list(
        BoardSnapshot.objects.filter(queued=True, changed_at__lt=now - LOST_AFTER)
        .values_list("phase_id", "subtask_id")
        .distinct()
    )
    for phase_id, subtask_id in lost:
        _enqueue(phase_id, subtask_id)
    missing = (
        Submission.objects.scored()
        .filter(
            ~Exists(
                BoardSnapshot.objects.filter(
                    phase_id=OuterRef("phase_id"), subtask_id=OuterRef("subtask_id")
                )
            )
        )
        .order_by()  # the model's ordering column would defeat DISTINCT
        .values_list("phase_id", "subtask_id")
        .distinct()
    )
    missing = list(missing)
    for phase_id, subtask_id in missing:
        board_request_rebuild(phase_id=phase_id, subtask_id=subtask_id, now=now)
    # A board whose rebuild is waiting is not asked again (a lost one was re-sent above).
    waiting = set(BoardSnapshot.objects.filter(queued=True).values_list("phase_id", "subtask_id"))
    outdated = [board for board in outdated_snapshots() if board not in waiting]
    for phase_id, subtask_id in outdated:
        board_request_rebuild(phase_id=phase_id, subtask_id=subtask_id, now=now)
    return len(lost) + len(missing) + len(outdated)
