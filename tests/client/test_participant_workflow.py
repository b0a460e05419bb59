"""A participant's whole round with the CLI: tasks, download, check, submit --wait, leaderboard.

Scoring is real (the sandboxed scorer, in a thread per submission, as a worker would run it).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from podium.sandbox import sandbox_available
from podium.submissions.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)
needs_sandbox = pytest.mark.skipif(not sandbox_available(), reason="bubblewrap cannot run here")

LABELS = ["human", "machine"]


def predictions(path, *, label=None, ids=range(10)):
    rows = [{"id": f"x{i}", "label": label or LABELS[i % 2]} for i in ids]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_tasks_and_task_show_phases_formats_and_what_is_left(logged_in):
    listing = logged_in("tasks")
    assert listing.code == 0 and "tiny" in listing.out and "Development" in listing.out
    detail = logged_in("task", "tiny")
    assert detail.code == 0
    assert "jsonl: id + label (label) in {human, machine}" in detail.out
    assert "5 (resets" in detail.out  # 5 per day, none used yet
    assert logged_in("task", "nope").code == 1


def test_download_writes_the_inputs_and_check_uses_them(logged_in, tmp_path):
    result = logged_in("download", "tiny", "--subtask", "a", "--split", "dev", "-o", "data")
    assert result.code == 0, result.err
    inputs = tmp_path / "data" / "tiny-a-dev.jsonl"
    rows = [json.loads(line) for line in inputs.read_text().splitlines()]
    assert [row["id"] for row in rows] == [f"x{i}" for i in range(10)]
    assert all("label" not in row and row["canary"] for row in rows)
    assert not list((tmp_path / "data").glob("*.part*"))

    good = logged_in("check", "tiny", "a", predictions(tmp_path / "p.jsonl"), "-d", "data")
    assert good.code == 0, good.out + good.err
    assert "valid" in good.err
    bad = predictions(tmp_path / "bad.jsonl", ids=[0, 0, 1, 99])
    checked = logged_in("check", "tiny", "a", bad, "-d", "data")
    assert checked.code == 1
    assert checked.out.splitlines() == [
        "line 2, column id: duplicate id 'x0' (first on line 1)",
        "line 4, column id: unknown id 'x99': not an id of this split",
        "column id: 8 ids of this split have no prediction, e.g. 'x2', 'x3', 'x4'",
    ]


def test_check_says_to_download_first(logged_in, tmp_path):
    result = logged_in("check", "tiny", "a", predictions(tmp_path / "p.jsonl"))
    assert result.code == 1 and "podium download tiny --subtask a --split dev" in result.err


def test_test_inputs_are_not_downloaded_before_release(logged_in):
    result = logged_in("download", "tiny", "--split", "test")
    assert result.code == 1
    assert "released on" in result.err


def test_a_download_resumes_from_the_part_file(logged_in, tmp_path):
    assert logged_in("download", "tiny", "--subtask", "a", "--split", "dev").code == 0
    full = (tmp_path / "tiny-a-dev.jsonl").read_bytes()
    etag = None
    # Interrupted after 100 bytes: the .part and its ETag stay behind. The first 100 bytes are
    # replaced by a marker, which survives only if the client fetches just the rest.
    (tmp_path / "tiny-a-dev.jsonl").unlink()
    (tmp_path / "tiny-a-dev.jsonl.part").write_bytes(b"#" * 100)
    listing = logged_in("download", "tiny", "--subtask", "a", "--split", "dev", "--force")
    assert listing.code == 0
    restarted = (tmp_path / "tiny-a-dev.jsonl").read_bytes()
    assert restarted == full, "without an ETag the client cannot resume safely: it starts over"

    from podium.sharedtasks.models import Dataset, SharedTask
    from podium.web.downloads import inputs_etag

    task = SharedTask.objects.get(slug="tiny")
    etag = inputs_etag(Dataset.objects.get(subtask__task=task, split="dev"), task.canary)
    (tmp_path / "tiny-a-dev.jsonl").unlink()
    (tmp_path / "tiny-a-dev.jsonl.part").write_bytes(b"#" * 100)
    (tmp_path / "tiny-a-dev.jsonl.part.etag").write_text(etag)
    assert logged_in("download", "tiny", "--subtask", "a", "--split", "dev").code == 0
    resumed = (tmp_path / "tiny-a-dev.jsonl").read_bytes()
    assert resumed == b"#" * 100 + full[100:]

    (tmp_path / "tiny-a-dev.jsonl").unlink()
    (tmp_path / "tiny-a-dev.jsonl.part").write_bytes(b"#" * 100)
    (tmp_path / "tiny-a-dev.jsonl.part.etag").write_text('"an-older-file"')
    assert logged_in("download", "tiny", "--subtask", "a", "--split", "dev").code == 0
    assert (tmp_path / "tiny-a-dev.jsonl").read_bytes() == full, "a changed file comes whole"


@needs_sandbox
def test_submit_wait_prints_the_score_and_the_leaderboard_ranks_it(
    logged_in, tmp_path, scoring_in_threads
):
    result = logged_in(
        "submit", "tiny", "a", predictions(tmp_path / "p.jsonl"), "--method", "cli", "--wait"
    )
    assert result.code == 0, result.err
    assert "scored" in result.out and "accuracy" in result.out and "1.0000" in result.out
    board = logged_in("leaderboard", "tiny", "--json")
    assert board.json()["rows"][0]["team"] == "Alpha"
    csv = logged_in("leaderboard", "tiny", "--subtask", "a", "--csv")
    assert csv.code == 0 and csv.out.splitlines()[0].startswith("rank,is_baseline,team,method")
    assert "Alpha" in csv.out.splitlines()[1]
    listing = logged_in("submissions", "tiny", "--json")
    assert [s["method_name"] for s in listing.json()["results"]] == ["cli"]


@needs_sandbox
def test_submit_json_gives_id_status_and_scores(logged_in, tmp_path, scoring_in_threads):
    result = logged_in("submit", "tiny", "a", predictions(tmp_path / "p.jsonl"), "--wait", "--json")
    assert result.code == 0, result.err
    body = result.json()
    assert body["status"] == "scored" and body["scores"]["all"]["overall"]["accuracy"] == 1.0
    assert Submission.objects.get().pk == body["id"]
    status = logged_in("status", str(body["id"]), "--json")
    assert status.code == 0 and status.json()["id"] == body["id"]


@needs_sandbox
def test_a_file_the_scorer_refuses_fails_with_the_messages_check_gave(
    logged_in, tmp_path, scoring_in_threads
):
    assert logged_in("download", "tiny", "--subtask", "a", "--split", "dev").code == 0
    bad = predictions(tmp_path / "bad.jsonl", ids=[0, 0, 1, 99])
    checked = logged_in("check", "tiny", "a", bad)
    result = logged_in("submit", "tiny", "a", bad, "--wait", "--json")
    assert result.code == 1
    body = result.json()
    assert body["status"] == "failed"
    assert body["error"].splitlines() == checked.out.splitlines()


def test_refusals_have_clear_messages_and_exit_1(logged_in, tmp_path, cast):
    pred = predictions(tmp_path / "p.jsonl")
    closed = logged_in("submit", "tiny", "a", pred, "--phase", "test")
    assert closed.code == 1 and "has not started yet" in closed.err and "phase_closed" in closed.err

    cast.dev.max_per_day = 0
    cast.dev.save()
    refused = logged_in("submit", "tiny", "a", pred, "--json")
    assert refused.code == 1
    assert refused.json()["status"] == "refused" and refused.json()["code"] == "limit_reached"
    assert "resets at" in refused.err

    cast.dev.max_per_day = 5
    cast.dev.max_file_mb = 1
    cast.dev.save()
    big = tmp_path / "big.jsonl"
    big.write_bytes(b" " * (1024 * 1024 + 1))
    too_large = logged_in("submit", "tiny", "a", big)
    assert too_large.code == 1 and "this phase accepts at most 1 MB" in too_large.err
    assert logged_in("check", "tiny", "a", big, "--inputs", pred).out.startswith(
        "The file is 1.0 MB; this phase accepts at most 1 MB."
    )
    assert Submission.objects.count() == 0


def test_no_open_phase_asks_for_one(logged_in, tmp_path, cast):
    cast.dev.end = timezone.now() - timedelta(minutes=1)
    cast.dev.start = timezone.now() - timedelta(days=2)
    cast.dev.save()
    result = logged_in("submit", "tiny", "a", predictions(tmp_path / "p.jsonl"))
    assert result.code == 1 and "no phase of 'tiny' is open now" in result.err


def test_wait_gives_up_after_its_timeout_with_exit_2(logged_in, tmp_path, no_broker):
    # No worker at all: the submission stays queued.
    result = logged_in(
        "submit", "tiny", "a", predictions(tmp_path / "p.jsonl"), "--wait", "--wait-timeout", "0"
    )
    assert result.code == 2
    assert "is still queued after 0 s" in result.err and "podium status" in result.err


def test_a_program_scored_subtask_shows_its_results_format_and_check_says_why_not(
    logged_in, cast, tmp_path
):
    from podium.programs.models import ScoringProgram
    from podium.programs.results import Column
    from podium.programs.services import program_scoring_set, program_version_add

    folder = tmp_path / "program"
    folder.mkdir()
    (folder / "metadata").write_text("command: python3 $program/score.py\n")
    (folder / "score.py").write_text("pass\n")
    program = ScoringProgram.objects.create(task=cast.task, name="own")
    program_version_add(program=program, source=folder)
    program_scoring_set(
        subtask=cast.task.subtasks.get(slug="a"), program=program,
        columns=[Column(key="f1", title="F1", primary=True)], results_filename="answer.txt",
    )  # fmt: skip
    detail = logged_in("task", "tiny")
    assert detail.code == 0 and "A zip of result files" in " ".join(detail.out.split())
    checked = logged_in("check", "tiny", "a", predictions(tmp_path / "p.jsonl"))
    assert checked.code == 1
    assert "scored by the organisers' own program" in " ".join(checked.err.split())
