"""podium tasks / podium task SLUG."""

from __future__ import annotations

from typing import Any

from podium_client.commands.common import api_for, task_of
from podium_client.http import ApiError
from podium_client.output import out, print_json, table, when


def register(commands) -> None:
    listing = commands.add_parser("tasks", help="the tasks you may see")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(run=run_tasks)
    one = commands.add_parser("task", help="a task's phases, subtasks, formats and limits")
    one.add_argument("slug")
    one.add_argument("--json", action="store_true", help="machine-readable output")
    one.set_defaults(run=run_task)


def run_tasks(args) -> int:
    api = api_for(args, login_required=False)
    tasks = api.get("/api/v1/tasks/")
    if args.json:
        print_json(tasks)
        return 0
    rows = []
    for task in tasks:
        open_now = [p["name"] for p in task["phases"] if p["is_open"]]
        rows.append(
            [
                task["slug"],
                task["title"],
                ", ".join(open_now) or "none open",
                ", ".join(s["slug"] for s in task["subtasks"]),
            ]
        )
    table(None, ["task", "title", "open phase", "subtasks"], rows)
    return 0


def format_text(fmt: dict[str, Any]) -> str:
    if fmt["file_format"] == "results":  # scored by the organisers' program
        return fmt.get("description") or "a results zip or a single file"
    text = f"{fmt['file_format']}: {fmt['id_field']} + {fmt['value_field']} ({fmt['value_type']})"
    if fmt["file_format"] == "txt":
        text = f"txt: one {fmt['value_type']} per line, in input order"
    if fmt.get("labels"):
        text += " in {" + ", ".join(fmt["labels"]) + "}"
    if fmt.get("range"):
        low, high = fmt["range"]
        text += f" in [{'-inf' if low is None else low}, {'inf' if high is None else high}]"
    return text


def _allowance(api, phase: dict[str, Any]) -> str:
    """What is left today for the caller's team, when logged in (the list answers it)."""
    if not api.login.token:
        return "log in to see"
    try:
        listing = api.get("/api/v1/submissions/", phase=phase["id"])
    except ApiError:
        return "-"
    if listing.get("refusal"):
        return listing["refusal"]
    left = listing.get("submissions_left_today")
    if left is None:
        return "no limit"
    return f"{left} (resets {when(listing.get('resets_at'))})"


def run_task(args) -> int:
    api = api_for(args, login_required=False)
    task = task_of(api, args.slug)
    if args.json:
        print_json(task)
        return 0
    policy = task["registration_policy"]
    out.print(f"{task['title']} ({task['slug']}; registration {policy})", markup=False)
    phases = []
    for phase in task["phases"]:
        limits = phase["limits"]
        phases.append(
            [
                phase["slug"],
                phase["id"],
                phase["name"],
                phase["split"],
                when(phase["start"]),
                when(phase["end"]),
                "open" if phase["is_open"] else "",
                f"{limits['per_day'] or '-'}/day, {limits['total'] or '-'} total, "
                f"{limits['max_file_mb']} MB",
                _allowance(api, phase) if phase["is_open"] else "",
            ]
        )
    table(
        "Phases",
        ["phase", "id", "name", "split", "start", "end", "", "limits", "left today"],
        phases,
    )
    subtasks = []
    for subtask in task["subtasks"]:
        splits = ", ".join(
            d["split"]
            if d["available_from"] is None
            else f"{d['split']} (from {when(d['available_from'])})"
            for d in subtask["downloads"]
        )
        scoring = subtask["scoring"]
        subtasks.append(
            [
                subtask["slug"],
                subtask["title"],
                format_text(subtask["format"]),
                f"{scoring['primary']} ({scoring['direction']} is better)",
                splits,
            ]
        )
    table("Subtasks", ["subtask", "title", "submission format", "primary metric", "data"], subtasks)
    return 0
