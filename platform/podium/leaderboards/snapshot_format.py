"""A board as the JSON stored in `BoardSnapshot.board`, and back.

The snapshot holds what does not depend on who looks or when: rows, scores, statistics. The
note (which says when the private board is revealed) is written at read time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from podium.sharedtasks.models import Phase, Subtask

from .boards import Leaderboard, LeaderboardRow
from .notes import board_note

FORMAT = 1


def board_to_snapshot(board: Leaderboard) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "partition": board.partition,
        "selection": board.selection,
        "primary_metric": board.primary_metric,
        "direction": board.direction,
        "columns": list(board.columns),
        "group_values": board.group_values,
        "stats": board.stats,
        "rows": [
            {**asdict(row), "submitted_at": row.submitted_at.isoformat()} for row in board.rows
        ],
    }


def board_from_snapshot(
    snapshot: Mapping[str, Any], *, phase: Phase, subtask: Subtask, partition: str, now: datetime
) -> Leaderboard:
    """`snapshot`: the values of a BoardSnapshot row (board, built_at, changed_at)."""
    data = snapshot["board"]
    built_at = snapshot["built_at"]
    changed_at = snapshot["changed_at"]
    rows = [
        LeaderboardRow(**{**row, "submitted_at": datetime.fromisoformat(row["submitted_at"])})
        for row in data["rows"]
    ]
    return Leaderboard(
        task_slug=phase.task.slug,
        phase_slug=phase.slug,
        subtask_slug=subtask.slug,
        partition=data["partition"],
        requested_partition=partition,
        selection=data["selection"],
        primary_metric=data["primary_metric"],
        direction=data["direction"],
        columns=data["columns"],
        group_values=data["group_values"],
        rows=rows,
        note=board_note(
            phase, data["partition"], now=now, has_baselines=any(r.is_baseline for r in rows)
        ),
        generated_at=built_at,
        stats=data["stats"],
        stale=changed_at is not None and built_at is not None and changed_at > built_at,
    )
