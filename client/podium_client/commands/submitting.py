"""podium check / submit / submissions / status."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from podium_client.checking.validation import Format, as_lines, check_predictions, input_ids
from podium_client.commands.common import Failure, api_for, phase_of, subtask_of, task_of
from podium_client.commands.data import file_name
from podium_client.http import ApiError
from podium_client.output import note, out, print_json, table, transfer_progress, when
from podium_client.uploading import ProgressFile

FINAL = ("scored", "failed", "cancelled")
POLL_FIRST, POLL_MAX = 1.0, 10.0
WAIT_TIMEOUT = 3600.0
WAIT_HELP = "seconds --wait follows at most (default 3600); then exit 2"


def register(commands) -> None:
    check = commands.add_parser(
        "check", help="validate a prediction file locally, as the server will (needs no gold)"
    )
    check.add_argument("slug")
    check.add_argument("subtask")
    check.add_argument("file", type=Path)
    check.add_argument("--phase", help="phase slug or id (default: the open one)")
    check.add_argument(
        "--inputs", type=Path, help="the inputs file (default: the one `podium download` wrote)"
    )
    check.add_argument("-d", "--data-dir", type=Path, default=Path("."), help="where inputs are")
    check.set_defaults(run=run_check)

    submit = commands.add_parser("submit", help="upload a prediction file")
    submit.add_argument("slug")
    submit.add_argument("subtask")
    submit.add_argument("file", type=Path)
    submit.add_argument("--phase", help="phase slug or id (default: the open one)")
    submit.add_argument("--method", default="", help="method name shown on the leaderboard")
    submit.add_argument("--description", default="")
    submit.add_argument("--team", help="your team's slug, if you are in several")
    submit.add_argument("--wait", action="store_true", help="follow it until scored or failed")
    submit.add_argument("--json", action="store_true", help="one JSON object on stdout")
    submit.add_argument("--wait-timeout", type=float, default=WAIT_TIMEOUT, help=WAIT_HELP)
    submit.set_defaults(run=run_submit)

    listing = commands.add_parser("submissions", help="your team's submissions to a task")
    listing.add_argument("slug")
    listing.add_argument("--phase", help="phase slug or id (default: all)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(run=run_submissions)

    status = commands.add_parser("status", help="one submission: status, scores or errors")
    status.add_argument("id", type=int)
    status.add_argument("--wait", action="store_true", help="follow it until scored or failed")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--wait-timeout", type=float, default=WAIT_TIMEOUT, help=WAIT_HELP)
    status.set_defaults(run=run_status)


def run_check(args) -> int:
    api = api_for(args, login_required=False)
    task = task_of(api, args.slug)
    subtask = subtask_of(task, args.subtask)
    phase = phase_of(task, args.phase)
    if subtask["format"]["file_format"] == "results":
        raise Failure(
            f"{task['slug']}/{subtask['slug']} is scored by the organisers' own program, which "
            f"reads the files itself; `podium check` cannot check them. What to upload: "
            f"{subtask['format'].get('description', '')}"
        )
    inputs = args.inputs or args.data_dir / file_name(task["slug"], subtask["slug"], phase["split"])
    if not inputs.exists():
        raise Failure(
            f"{inputs} not found: run `podium download {task['slug']} --subtask {subtask['slug']} "
            f"--split {phase['split']}` first, or name the inputs with --inputs"
        )
    if not args.file.is_file():
        raise Failure(f"{args.file}: no such file", exit_code=2)
    problems = _size_problem(args.file, phase)
    if not problems:
        fmt = Format.from_api(subtask["format"])
        ids = input_ids(inputs, fmt.id_field)
        problems = as_lines(check_predictions(args.file, fmt, ids))
    if problems:
        for line in problems:
            out.print(line, markup=False)
        note(f"{args.file}: the server would refuse this file for {phase['name']!r}")
        return 1
    note(
        f"{args.file}: valid for {task['slug']}/{subtask['slug']} ({phase['name']}, "
        f"{len(ids)} inputs)"
    )
    return 0


def _size_problem(path: Path, phase: dict[str, Any]) -> list[str]:
    size, limit = path.stat().st_size, phase["limits"]["max_file_mb"]
    if size > limit * 1024 * 1024:  # worded as the server words its 413
        return [f"The file is {size / 1048576:.1f} MB; this phase accepts at most {limit} MB."]
    if size == 0:
        return ["The file is empty."]
    return []


def run_submit(args) -> int:
    if not args.file.is_file():
        raise Failure(f"{args.file}: no such file", exit_code=2)
    api = api_for(args)
    task = task_of(api, args.slug)
    subtask = subtask_of(task, args.subtask)
    phase = phase_of(task, args.phase)
    fields = {
        "phase": str(phase["id"]),
        "subtask": subtask["slug"],
        "method_name": args.method,
        "description": args.description,
    }
    if args.team:
        fields["team"] = args.team
    # One key per upload: retries of this request (lost answers, 5xx) make one submission.
    key = str(uuid.uuid4())
    with transfer_progress() as progress, ProgressFile(args.file, progress) as upload:
        try:
            created = api.json(
                "POST",
                "/api/v1/submissions/",
                data=fields,
                files={"file": (args.file.name, upload, "application/octet-stream")},
                headers={"Idempotency-Key": key},
            )
        except ApiError as exc:
            if args.json:
                print_json({"id": None, "status": "refused", "code": exc.code, "error": exc.detail})
            raise
    if not args.json:
        left = created.get("submissions_left_today")
        note(
            f"Submission {created['id']} accepted for {phase['name']} ({created['status']}); "
            f"left today: {'no limit' if left is None else left}"
        )
    if not args.wait:
        if args.json:
            print_json(created)
        return 0
    return _follow(api, created["id"], as_json=args.json, timeout=args.wait_timeout)


def _follow(api, submission_id: int, *, as_json: bool, timeout: float) -> int:
    delay = POLL_FIRST
    give_up = time.monotonic() + timeout
    while True:
        submission = api.get(f"/api/v1/submissions/{submission_id}/")
        if submission["status"] in FINAL:
            break
        if time.monotonic() >= give_up:
            if as_json:
                print_json(submission)
            raise Failure(
                f"submission {submission_id} is still {submission['status']} after {timeout:g} s; "
                f"`podium status {submission_id} --wait` follows it again",
                exit_code=2,
            )
        time.sleep(min(delay, max(give_up - time.monotonic(), 0)))
        delay = min(delay * 1.5, POLL_MAX)
    if as_json:
        print_json(submission)
    else:
        show_submission(submission)
    return 0 if submission["status"] == "scored" else 1


def show_submission(submission: dict[str, Any]) -> None:
    out.print(
        f"Submission {submission['id']}: {submission['status']} "
        f"({submission['task']}/{submission['subtask']}, phase {submission['phase']}, "
        f"method {submission['method_name'] or '-'}, {when(submission['created_at'])})",
        markup=False,
    )
    if submission.get("error"):
        out.print(submission["error"], markup=False)
    for partition, scores in submission.get("scores", {}).items():
        overall = scores.get("overall", {})
        table(f"Scores ({partition})", ["metric", "value"], [[m, v] for m, v in overall.items()])
    if submission.get("scores_note"):
        note(submission["scores_note"])


def run_status(args) -> int:
    api = api_for(args)
    if args.wait:
        return _follow(api, args.id, as_json=args.json, timeout=args.wait_timeout)
    submission = api.get(f"/api/v1/submissions/{args.id}/")
    if args.json:
        print_json(submission)
    else:
        show_submission(submission)
    return 1 if submission["status"] == "failed" else 0


def _primary(submission: dict[str, Any]) -> str:
    for partition in ("public", "all"):
        overall = submission.get("scores", {}).get(partition, {}).get("overall")
        if overall:
            metric, value = next(iter(overall.items()))
            return f"{metric} {value:.4f}" if isinstance(value, float) else f"{metric} {value}"
    return "-"


def run_submissions(args) -> int:
    api = api_for(args)
    task = task_of(api, args.slug)
    phase = phase_of(task, args.phase) if args.phase else None
    listing = api.get("/api/v1/submissions/", phase=phase["id"] if phase else None)
    mine = [s for s in listing["results"] if s["task"] == task["slug"]]
    if args.json:
        print_json({**listing, "count": len(mine), "results": mine})
        return 0
    names = {p["id"]: p["slug"] for p in task["phases"]}
    table(
        f"Submissions to {task['slug']}",
        ["id", "phase", "subtask", "status", "method", "submitted", "score"],
        [
            [
                s["id"],
                names.get(s["phase"], s["phase"]),
                s["subtask"],
                s["status"],
                s["method_name"] or "-",
                when(s["created_at"]),
                _primary(s),
            ]
            for s in mine
        ],
    )
    if phase is not None and listing.get("submissions_left_today") is not None:
        note(
            f"Left today: {listing['submissions_left_today']} "
            f"(resets {when(listing.get('resets_at'))})"
        )
    return 0
