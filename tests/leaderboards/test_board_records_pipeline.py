"""Scoring for real keeps per-item records next to the scores and asks for a board rebuild; the
rebuilt board shows intervals. A rescore replaces the records; a run without them leaves none."""

from __future__ import annotations

import pytest

from podium.leaderboards import snapshots
from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.snapshots import board_rebuild
from podium.storage import gold_storage
from podium.submissions.records import record_name, submission_records_store
from podium.submissions.scoring import submission_score
from podium.submissions.uploads import submission_create
from scorers.stats.records import load_record
from tests.submissions.conftest import cast, predictions, upload  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


def test_a_scored_submission_keeps_its_records_and_its_board_is_rebuilt(
    cast,  # noqa: F811
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    sent = []
    monkeypatch.setattr(snapshots, "_enqueue", lambda p, s: sent.append((p, s)))
    labels = ["human", "machine"] * 5
    labels[0] = "machine"
    submission = submission_create(
        user=cast.participant,
        phase=cast.dev,
        subtask=cast.subtask,
        upload=upload(predictions(labels)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert submission_score(submission_id=submission.pk) == "scored"
    assert sent == [(cast.dev.pk, cast.subtask.pk)]
    with gold_storage().open(record_name(submission.pk, "all"), "rb") as fh:
        record = load_record(fh.read())
    assert record.kind == "label" and record.n == 10
    assert board_rebuild(phase_id=cast.dev.pk, subtask_id=cast.subtask.pk)
    board = leaderboard(phase=cast.dev, subtask=cast.subtask, partition="public", viewer=None)
    row = board.rows[0]
    assert row.primary == pytest.approx(0.9)
    low, high = row.intervals[board.primary_metric].values()
    assert low <= 0.9 <= high and row.cluster == 1 and row.submissions == 1


def test_storing_records_again_replaces_them_and_drops_missing_partitions(db):
    submission_records_store(submission_id=7, records={"public": b"a", "private": b"b"})
    submission_records_store(submission_id=7, records={"public": b"c"})
    storage = gold_storage()
    with storage.open(record_name(7, "public"), "rb") as fh:
        assert fh.read() == b"c"
    assert not storage.exists(record_name(7, "private"))


def test_the_sandboxed_scorer_writes_records_into_its_output_dir(tmp_path):
    import json

    from podium.sandbox import make_job_dir, run_scorer
    from podium.sandbox.policy import sandbox_available
    from podium.submissions.records import records_collect

    if not sandbox_available():
        pytest.skip("bubblewrap cannot run here")
    job = make_job_dir(str(tmp_path))
    spec = {"format": "jsonl", "labels": ["a", "b"], "metrics": ["accuracy"]}
    (job / "spec.json").write_text(json.dumps(spec))
    (job / "gold.jsonl").write_text('{"id": 1, "label": "a"}\n{"id": 2, "label": "b"}\n')
    (job / "pred").mkdir()
    (job / "pred" / "p.jsonl").write_text('{"id": 1, "label": "a"}\n{"id": 2, "label": "a"}\n')
    out = job / "records"
    result = run_scorer(
        job, spec_path=job / "spec.json", gold_path=job / "gold.jsonl",
        pred_path=job / "pred" / "p.jsonl", output_dir=out, timeout_s=60, memory_mb=2048,
        allow_unsandboxed=False,
    )  # fmt: skip
    assert result.ok and result.sandboxed, result.stderr.decode()
    records = records_collect(out)
    assert list(records) == ["all"]
    assert load_record(records["all"]).n == 2
