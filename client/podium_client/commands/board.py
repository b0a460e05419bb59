"""podium leaderboard SLUG: the ranked rows you may see, as a table or CSV."""

from __future__ import annotations

import sys
from typing import Any

from podium_client.commands.common import api_for, phase_of, subtask_of, task_of
from podium_client.output import note, print_json, table, when

# Row keys shown in their own columns; any other key the server adds (intervals, clusters,
# rank ranges) is shown too, after these.
KNOWN = (
    "rank",
    "team",
    "team_id",
    "is_baseline",
    "submission",
    "method",
    "submitted_at",
    "primary",
    "metrics",
    "groups",
)


def register(commands) -> None:
    board = commands.add_parser("leaderboard", help="a phase's leaderboard for one subtask")
    board.add_argument("slug")
    board.add_argument("--subtask", help="needed when the task has several")
    board.add_argument("--phase", help="phase slug or id (default: the open or latest one)")
    board.add_argument("--partition", choices=["public", "private"], default="public")
    output = board.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="the server's CSV export, on stdout")
    output.add_argument("--json", action="store_true", help="machine-readable output")
    board.set_defaults(run=run_leaderboard)


def run_leaderboard(args) -> int:
    api = api_for(args, login_required=False)
    task = task_of(api, args.slug)
    phase = phase_of(task, args.phase, open_only=False)
    subtask = subtask_of(task, args.subtask) if args.subtask else None
    params = {"subtask": subtask["slug"] if subtask else None, "partition": args.partition}
    path = f"/api/v1/phases/{phase['id']}/leaderboard/"
    if args.csv:
        clean = {k: v for k, v in params.items() if v is not None}
        response = api.send("GET", path, params=clean, headers={"Accept": "text/csv"})
        sys.stdout.write(response.text)
        return 0
    board = api.get(path, **params)
    if args.json:
        print_json(board)
        return 0
    show_board(board)
    return 0


def _extra(value: Any) -> Any:
    if isinstance(value, list):
        return "[" + ", ".join(str(_extra(v)) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.4f}"
    return value


def show_board(board: dict[str, Any]) -> None:
    rows = board["rows"]
    extras = sorted({key for row in rows for key in row if key not in KNOWN})
    metrics = [c for c in board["columns"][1:]]
    columns = ["rank", "team", "method", board["primary_metric"], *metrics, *extras, "submitted"]
    body = []
    for row in rows:
        team = row["team"] + (" (baseline)" if row["is_baseline"] else "")
        body.append(
            [
                row["rank"],
                team,
                row["method"] or "-",
                row["primary"],
                *(row["metrics"].get(m) for m in metrics),
                *(_extra(row.get(key)) for key in extras),
                when(row["submitted_at"]),
            ]
        )
    title = (
        f"{board['task']} / {board['phase']} / {board['subtask']} "
        f"({board['partition']}, {board['direction']} is better)"
    )
    table(title, columns, body)
    if board.get("note"):
        note(board["note"])
