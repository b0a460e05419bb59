"""Leaderboards: one row per team (plus baseline rows) per phase and subtask.

`leaderboard()` checks visibility, then serves the board's snapshot (see snapshots.py, which
rebuilds it in the background with its statistics). `live_board()` computes a board from the
Score rows, for the rebuild job and for a board that has no snapshot yet, with a fixed number
of queries whatever the number of submissions:

1. one query picks each entrant's representative submission with a window function
   (ROW_NUMBER() OVER (PARTITION BY entrant ORDER BY <phase rule>)) over the scored submissions
   LEFT JOINed to their overall primary-metric score on the selection partition;
2. one query fetches every Score row of those ~one-per-team submissions on the shown partition.

Which submission represents a team never depends on the private partition: the phase rule runs
on the public scores (or `all` where the phase has no partitions), and the private board shows
the private scores of those same submissions. This is what Kaggle and Codabench do; choosing by
private score would let the private partition leak through which submission is shown, and would
reward teams for submitting many times to get lucky on the private part.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Case, F, FilteredRelation, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.expressions import BaseExpression
from django.db.models.functions import RowNumber
from django.utils import timezone

from podium.sharedtasks.models import Phase, Subtask
from podium.submissions.models import Score, Submission

from .boards import Groups, Leaderboard, LeaderboardRow, RenderedBoard, board_head
from .models import BoardSnapshot, BoardSnapshotPart
from .notes import board_note
from .ranking import ranked, sort_key
from .snapshot_format import (
    board_from_snapshot,
    head_from_snapshot,
    is_current,
    render_part,
    snapshot_part,
)
from .visibility import require_visible, selection_partition, stored_partition


def _entrant_order(phase: Phase, subtask: Subtask) -> list:
    """ORDER BY of the window that picks a representative: the first row wins."""
    if phase.selection == Phase.Selection.LAST:
        return [F("created_at").desc(), F("id").desc()]
    if phase.selection == Phase.Selection.CHOSEN:
        # No final mark (or the marked one failed, so it is not among the scored ones): the last
        # scored submission counts, as if the team had never used the option.
        return [F("is_final").desc(), F("created_at").desc(), F("id").desc()]
    value = F("selection_value")
    best = (
        value.asc(nulls_last=True)
        if subtask.direction == Subtask.Direction.LOWER
        else value.desc(nulls_last=True)
    )
    # Equal best scores: the earlier submission reached it first.
    return [best, F("created_at").asc(), F("id").asc()]


def representatives(phase: Phase, subtask: Subtask) -> list[Mapping[str, Any]]:
    """Each entrant's submission by the phase rule, in one query (dicts from values()).

    An entrant is a team, or a baseline method (`is_baseline`, grouped by `method_name`).
    Only scored submissions take part; a queued or running one only while it is being scored
    again (it still holds the Score rows of its previous run, which stand until the new run
    replaces them, so a rescore never drops a team from the board). New queued submissions,
    failed ones never appear.
    """
    entrant: list[BaseExpression | F] = [
        F("is_baseline"),
        F("team_id"),
        Case(When(is_baseline=True, then=F("method_name")), default=Value("")),
    ]
    return list(
        Submission.objects.filter(phase=phase, subtask=subtask)
        .ranked()
        .annotate(
            selection_score=FilteredRelation(
                "scores",
                condition=Q(
                    scores__partition=selection_partition(phase),
                    scores__metric=subtask.primary_metric,
                    scores__group_field="",
                ),
            ),
            selection_value=F("selection_score__value"),
        )
        .annotate(
            pick=Window(RowNumber(), partition_by=entrant, order_by=_entrant_order(phase, subtask))
        )
        .filter(pick=1)
        .values("id", "team_id", "team__name", "is_baseline", "method_name", "created_at")
    )


def _number(value: float | None) -> float | None:
    # NaN is how some drivers hand back an undefined metric; it must not sort among real values.
    return None if value is None or math.isnan(value) else value


def _cells(submission_ids: list[int], partition: str) -> dict[int, list[tuple]]:
    """Every Score row of the chosen submissions on `partition`, in one query."""
    cells: dict[int, list[tuple]] = defaultdict(list)
    rows = Score.objects.filter(submission_id__in=submission_ids, partition=partition).values_list(
        "submission_id", "metric", "group_field", "group_value", "value"
    )
    for submission_id, metric, group_field, group_value, value in rows:
        cells[submission_id].append((metric, group_field, group_value, _number(value)))
    return cells


def _columns(subtask: Subtask, seen: set[str]) -> list[str]:
    """Primary first, then the configured metrics, then any other metric the scorer reported."""
    columns = [subtask.primary_metric]
    for name in [*subtask.metric_names, *sorted(seen)]:
        if name and name not in columns:
            columns.append(name)
    return columns


def leaderboard(
    *, phase: Phase, subtask: Subtask, partition: str, viewer, now: datetime | None = None
) -> Leaderboard:
    """The leaderboard of `subtask` in `phase` on `partition` as `viewer` may see it.

    Visibility is decided here, at read time, before anything is read. Then the board comes
    from its snapshot (one query, whatever the number of submissions), with its intervals and
    clusters; a board that has no snapshot yet is computed live, without statistics.

    - `partition`: "public" or "private" ("all" is accepted on a phase without partitions).
      A phase without partitions (its scores are stored under `all`: dev phases) answers both
      public and private with `all`; `Leaderboard.partition` says what was shown.
    - Raises `LeaderboardNotVisible` (message says when it opens) before any score is read when
      the viewer may not see it, and `PartitionNotAvailable` for a partition the phase lacks.
    - Rows: one per team, picked by `phase.selection` on the public (or `all`) scores; one per
      baseline method, by the same rule among that method's submissions. Sorted by the primary
      metric in the subtask's direction; equal values share a rank (1, 2, 2, 4) and are listed
      earlier submission first. Baselines take part in the ranking like teams, so a team behind
      a baseline has the next rank. Teams with no scored submission are absent; rows whose
      primary value is undefined have rank None and come last.
    - `now` is for tests and the scheduler: the moment at which `private_at_end` is judged.
    """
    now = now or timezone.now()
    shown = _check(phase, subtask, partition, viewer=viewer, now=now)
    return _board(phase, subtask, partition, shown, now=now)


def _check(phase: Phase, subtask: Subtask, partition: str, *, viewer, now: datetime) -> str:
    """The visibility check of every read, before any score is read; the stored partition."""
    if subtask.task_id != phase.task_id:
        raise ValueError(f"{subtask} is not a subtask of {phase.task}")
    shown = stored_partition(phase, partition)
    require_visible(phase, shown, viewer=viewer, now=now)
    return shown


def _board(phase: Phase, subtask: Subtask, partition: str, shown: str, *, now: datetime):
    snapshot = (
        BoardSnapshot.objects.filter(phase=phase, subtask=subtask, partition=shown)
        .exclude(board=None)
        .values("board", "built_at", "changed_at")
        .first()
    )
    # A snapshot of an older format is not misread: the board is computed live until the
    # sweep has rebuilt it (snapshots.boards_sweep).
    if snapshot is not None and is_current(snapshot["board"]):
        return board_from_snapshot(
            snapshot, phase=phase, subtask=subtask, partition=partition, now=now
        )
    return live_board(phase=phase, subtask=subtask, partition=partition, now=now)


def leaderboard_rendered(
    *,
    phase: Phase,
    subtask: Subtask,
    partition: str,
    viewer,
    part: str,
    now: datetime | None = None,
) -> RenderedBoard:
    """The board as `leaderboard()` would answer it, but with its rows as the text that the
    snapshot part `part` (`snapshot_format.register_part`) rendered from them at build time:
    the same visibility check first, then one query that loads neither the rows nor any other
    part, whatever the number of rows and submissions.

    A board without a current snapshot, or whose snapshot lacks this version of the part (the
    part's template or code changed since the build), is read as `leaderboard()` reads it and
    the part rendered now: slower, the same text.
    """
    now = now or timezone.now()
    shown = _check(phase, subtask, partition, viewer=viewer, now=now)
    renderer = snapshot_part(part)
    text = BoardSnapshotPart.objects.filter(snapshot=OuterRef("pk"), key=renderer.key)
    snapshot = (
        BoardSnapshot.objects.filter(
            phase=phase, subtask=subtask, partition=shown, head__isnull=False
        )
        .values("head", "built_at", "changed_at", text=Subquery(text.values("text")[:1]))
        .first()
    )
    if snapshot is not None and snapshot["text"] is not None and is_current(snapshot["head"]):
        head = head_from_snapshot(
            snapshot, phase=phase, subtask=subtask, partition=partition, now=now
        )
        return RenderedBoard(head=head, part=snapshot["text"])
    if snapshot is None:  # none built yet (or of an older format: no head)
        board = live_board(phase=phase, subtask=subtask, partition=partition, now=now)
    else:
        board = _board(phase, subtask, partition, shown, now=now)
    return RenderedBoard(head=board_head(board), part=render_part(renderer, board))


def live_board(*, phase: Phase, subtask: Subtask, partition: str, now: datetime) -> Leaderboard:
    """The board computed from the Score rows now, without statistics and WITHOUT a visibility
    check: for `leaderboard()` after its check, and for the board job."""
    shown = stored_partition(phase, partition)
    picked = representatives(phase, subtask)
    cells = _cells([r["id"] for r in picked], shown)
    seen_metrics = {c[0] for rows in cells.values() for c in rows}
    columns = _columns(subtask, seen_metrics)
    group_values: dict[str, set[str]] = defaultdict(set)
    entries = []
    for rep in picked:
        overall: dict[str, float | None] = {}
        groups: Groups = {}
        for metric, group_field, group_value, value in cells.get(rep["id"], []):
            if group_field:
                groups.setdefault(group_field, {}).setdefault(group_value, {})[metric] = value
                group_values[group_field].add(group_value)
            else:
                overall[metric] = value
        entries.append((rep, overall, groups))

    higher = subtask.direction != Subtask.Direction.LOWER
    rows = [
        LeaderboardRow(
            rank=rank,
            team_id=rep["team_id"],
            team=(
                f"Baseline: {rep['method_name'] or 'unnamed'}"
                if rep["is_baseline"]
                else rep["team__name"]
            ),
            is_baseline=rep["is_baseline"],
            submission_id=rep["id"],
            method_name=rep["method_name"],
            submitted_at=rep["created_at"],
            primary=overall.get(subtask.primary_metric),
            metrics={name: overall.get(name) for name in columns[1:]},
            groups=groups,
        )
        for rank, (rep, overall, groups) in ranked(
            entries,
            value=lambda e: e[1].get(subtask.primary_metric),
            key=lambda e: sort_key(
                e[1].get(subtask.primary_metric),
                e[0]["created_at"],
                e[0]["id"],
                higher_is_better=higher,
            ),
        )
    ]
    ordered_fields = [f for f in subtask.group_fields if f in group_values]
    ordered_fields += sorted(set(group_values) - set(ordered_fields))
    return Leaderboard(
        task_slug=phase.task.slug,
        phase_slug=phase.slug,
        subtask_slug=subtask.slug,
        partition=shown,
        requested_partition=partition,
        selection=phase.selection,
        primary_metric=subtask.primary_metric,
        direction=subtask.direction,
        columns=columns,
        group_values={f: sorted(group_values[f]) for f in ordered_fields},
        rows=rows,
        note=board_note(phase, shown, now=now, has_baselines=any(r.is_baseline for r in rows)),
        generated_at=now,
    )
