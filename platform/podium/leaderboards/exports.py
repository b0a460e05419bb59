"""CSV and JSON exports of a leaderboard.

Both are built from a `Leaderboard` that `selectors.leaderboard()` returned for the viewer, and
from nothing else: an export cannot show more than the board the viewer was allowed to see.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .boards import BoardHead, Leaderboard, LeaderboardRow

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


STATS_HEADER = [
    "cluster", "rank_best", "rank_worst", "submissions",
    "vs_baseline_delta", "vs_baseline_low", "vs_baseline_high", "vs_baseline_p",
    "vs_leader_delta", "vs_leader_low", "vs_leader_high", "vs_leader_p",
]  # fmt: skip


def _interval_header(board: Leaderboard) -> list[str]:
    return [f"{m}_{end}" for m in board.columns for end in ("low", "high")]


def _stats_cells(board: Leaderboard, row: LeaderboardRow) -> list:
    cells: list = []
    for metric in board.columns:
        interval = row.intervals.get(metric) or {}
        cells += [_number(interval.get("low")), _number(interval.get("high"))]
    best, worst = row.rank_range or ("", "")
    cells += ["" if row.cluster is None else row.cluster, best, worst]
    cells.append("" if row.submissions is None else row.submissions)
    for comparison in (row.vs_baseline, row.vs_leader):
        c = comparison or {}
        cells += [_number(c.get(k)) for k in ("delta", "low", "high", "p_value")]
    return cells


def leaderboard_csv(board: Leaderboard) -> str:
    """One header row, then one row per leaderboard row in rank order.

    Columns: rank, is_baseline (true/false), team, method, submission (id), submitted_at (ISO
    8601), the metrics (primary first), one column per metric and group, e.g.
    `macro_f1[language=en]`; then the statistics: `<metric>_low`, `<metric>_high` (the 95%
    bootstrap interval), cluster (1 = top significance cluster), rank_best, rank_worst,
    submissions (scored submissions of the entrant on this board), and the paired comparisons
    with the baseline and the leader on the primary metric (difference, its interval, p-value).
    An undefined value or rank is an empty cell.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    groups = _group_cells(board)
    writer.writerow(
        FIXED_HEADER
        + board.columns
        + [group_column(*g) for g in groups]
        + _interval_header(board)
        + STATS_HEADER
    )
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
                *_stats_cells(board, row),
            ]
        )
    return out.getvalue()


# The JSON of a row is stored pre-rendered in the board snapshots (the API registers it as a
# snapshot part): bump this whenever `leaderboard_json_rows` changes what it writes, so that
# older snapshots are not served with the old shape.
JSON_ROWS_VERSION = 1


def leaderboard_json_head(board: Leaderboard | BoardHead) -> dict[str, Any]:
    """`leaderboard_json` without its `rows`, in the same key order."""
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
        "statistics": board.stats,
        "stale": board.stale,
    }


def leaderboard_json_rows(rows: list[LeaderboardRow]) -> list[dict[str, Any]]:
    return [
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
            "submissions": row.submissions,
            "intervals": row.intervals,
            "cluster": row.cluster,
            "rank_range": row.rank_range,
            "vs_baseline": row.vs_baseline,
            "vs_leader": row.vs_leader,
        }
        for row in rows
    ]


def leaderboard_json(board: Leaderboard) -> dict[str, Any]:
    """A JSON-ready dict (json.dumps it as is): the board's metadata, note and rows."""
    return {**leaderboard_json_head(board), "rows": leaderboard_json_rows(board.rows)}
