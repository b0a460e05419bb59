"""CSV and JSON exports of a leaderboard.

Both are built from a `Leaderboard` that `selectors.leaderboard()` returned for the viewer, and
from nothing else: an export cannot show more than the board the viewer was allowed to see.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .selectors import Leaderboard, LeaderboardRow

# `is_baseline` comes before the team name and holds what the server knows (Submission.is_baseline,
# set only for the organisers' baseline runs), so a team whose name reads like "Baseline: ..."
# cannot pass for one in a spreadsheet (new names like that are refused, see teams.names).
FIXED_HEADER = ["rank", "is_baseline", "team", "method", "submission", "submitted_at"]

# A cell starting with one of these runs as a formula in spreadsheet programs; team and method
# names are typed by participants (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: float | None) -> str:
    # repr round-trips the float exactly; empty means undefined, as in the pages.
    return "" if value is None else repr(value)


def group_column(metric: str, group_field: str, group_value: str) -> str:
    return f"{metric}[{group_field}={group_value}]"


def _group_cells(board: Leaderboard) -> list[tuple[str, str, str]]:
    return [
        (metric, group_field, group_value)
        for group_field, values in board.group_values.items()
        for group_value in values
        for metric in board.columns
    ]


def _group_value(row: LeaderboardRow, metric: str, group_field: str, group_value: str):
    return row.groups.get(group_field, {}).get(group_value, {}).get(metric)


def leaderboard_csv(board: Leaderboard) -> str:
    """One header row, then one row per leaderboard row in rank order.

    Columns: rank, is_baseline (true/false), team, method, submission (id), submitted_at (ISO), the
    metrics (primary first), then one column per metric and group, e.g. `macro_f1[language=en]`.
    An undefined value or rank is an empty cell.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    groups = _group_cells(board)
    writer.writerow(FIXED_HEADER + board.columns + [group_column(*g) for g in groups])
    for row in board.rows:
        writer.writerow(
            [
                "" if row.rank is None else row.rank,
                "true" if row.is_baseline else "false",
                _text(row.team),
                _text(row.method_name),
                row.submission_id,
                row.submitted_at.isoformat(),
                _number(row.primary),
                *(_number(row.metrics.get(m)) for m in board.columns[1:]),
                *(_number(_group_value(row, *g)) for g in groups),
            ]
        )
    return out.getvalue()


def leaderboard_json(board: Leaderboard) -> dict[str, Any]:
    """A JSON-ready dict (json.dumps it as is): the board's metadata, note and rows."""
    return {
        "task": board.task_slug,
        "phase": board.phase_slug,
        "subtask": board.subtask_slug,
        "partition": board.partition,
        "requested_partition": board.requested_partition,
        "selection": board.selection,
        "primary_metric": board.primary_metric,
        "direction": board.direction,
        "columns": list(board.columns),
        "group_values": {k: list(v) for k, v in board.group_values.items()},
        "note": board.note,
        "generated_at": board.generated_at.isoformat(),
        "rows": [
            {
                "rank": row.rank,
                "team": row.team,
                "team_id": row.team_id,
                "is_baseline": row.is_baseline,
                "submission": row.submission_id,
                "method": row.method_name,
                "submitted_at": row.submitted_at.isoformat(),
                "primary": row.primary,
                "metrics": dict(row.metrics),
                "groups": row.groups,
            }
            for row in board.rows
        ],
    }
