"""A program that writes per_item.csv gets intervals, clusters and comparisons on its board;
one whose per-item means disagree with its scores, or whose file is unusable, gets none and a
note for the organisers, and its submissions are scored all the same. Private per-item values
feed the private board only, and nothing of them shows before the reveal.

Real runs: the program runs in bubblewrap (PODIUM_REQUIRE_SANDBOX=1 makes a missing sandbox a
failure), its output is read by the scoring job, and the board job bootstraps the records."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from podium.leaderboards import snapshots
from podium.leaderboards.selectors import leaderboard
from podium.leaderboards.services import phase_reveal
from podium.leaderboards.snapshots import board_rebuild, board_request_rebuild
from podium.leaderboards.statistics import phase_board_settings
from podium.programs import per_item
from podium.programs.results import Column
from podium.programs.services import program_scoring_set, reference_store
from podium.storage import gold_storage
from podium.submissions.models import Score, Submission
from podium.submissions.records import record_name
from podium.submissions.scoring import submission_score
from scorers.stats.resample import resample_counts

from .conftest import LABELS, api_submit, results_zip

pytestmark = pytest.mark.django_db

PUBLIC = [f"p{k:03d}" for k in range(200)]
PRIVATE = [f"q{k:03d}" for k in range(150)]
GOLD = {i: ("human", "machine")[k % 2] for k, i in enumerate(PUBLIC + PRIVATE)}
PUBLIC_MARKER, PRIVATE_MARKER = "REF-PUBLIC-per-item", "REF-PRIVATE-per-item"

# Accuracy, with 1/0 correctness per item in per_item.csv. MODE picks how the program misbehaves.
PROGRAM = """
import json, os
MODE = {mode!r}
truth = dict(l.split() for l in open("/app/input/ref/truth.txt") if " " in l.strip())
pred = dict(l.split() for l in open("/app/input/res/predictions.txt") if l.strip())
hits = {{i: int(pred.get(i) == label) for i, label in truth.items()}}
accuracy = sum(hits.values()) / len(hits)
reported = accuracy + 0.1 if MODE == "disagree" else accuracy
json.dump({{"accuracy": reported, "n": len(truth)}}, open("/app/output/scores.json", "w"))
out = "/app/output/per_item.csv"
if MODE in ("ok", "disagree"):
    with open(out, "w") as f:
        f.write("id,accuracy\\n" + "".join(f"{{i}},{{h}}\\n" for i, h in hits.items()))
elif MODE == "malformed":
    open(out, "w").write("id,accuracy\\n" + "".join(f"{{i}},yes\\n" for i in hits))
elif MODE == "symlink":
    os.symlink("/app/input/ref/truth.txt", out)
"""


def use_program(cast, mode: str) -> None:
    cast.set_program(PROGRAM.format(mode=mode), "python3 /app/program/score.py", name=mode)


def use_large_references(cast) -> None:
    for partition, ids, marker in (
        ("public", PUBLIC, PUBLIC_MARKER),
        ("private", PRIVATE, PRIVATE_MARKER),
    ):
        folder = cast.base / f"large-{partition}"
        folder.mkdir(parents=True)
        lines = [marker, *(f"{i} {GOLD[i]}" for i in ids)]
        (folder / "truth.txt").write_text("\n".join(lines) + "\n")
        reference_store(subtask=cast.subtask, split="test", partition=partition, source=folder)


def predictions(wrong: set[str]) -> bytes:
    flip = {"human": "machine", "machine": "human"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "predictions.txt",
            "".join(f"{i} {flip[g] if i in wrong else g}\n" for i, g in GOLD.items()),
        )
    return buffer.getvalue()


def score(user, phase, content: bytes) -> int:
    submission_id = api_submit(user, phase, content)
    assert submission_score(submission_id=submission_id) == "scored"
    return submission_id


def rebuild(cast, phase, monkeypatch) -> None:
    monkeypatch.setattr(snapshots, "_enqueue", lambda p, s: None)
    board_request_rebuild(phase_id=phase.pk, subtask_id=cast.subtask.pk)
    assert board_rebuild(phase_id=phase.pk, subtask_id=cast.subtask.pk)


def get(user, url: str):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url)


@pytest.fixture
def two_teams(cast, sandbox, monkeypatch):
    """Alpha: right on every public item, wrong on 60 of 150 private ones. Beta: wrong on every
    other public item, right on every private one."""
    use_program(cast, "ok")
    use_large_references(cast)
    alpha = score(cast.participant, cast.test, predictions(set(PRIVATE[:60])))
    beta = score(cast.outsider, cast.test, predictions(set(PUBLIC[::2])))
    rebuild(cast, cast.test, monkeypatch)
    return alpha, beta


def test_a_program_writing_per_item_values_gets_intervals_clusters_and_comparisons(cast, two_teams):
    alpha, beta = two_teams
    for submission_id, partition in ((alpha, "public"), (alpha, "private"), (beta, "public")):
        assert gold_storage().exists(record_name(submission_id, partition))
    run = Submission.objects.get(pk=beta).program_runs.get(partition="public")
    assert "per-item values of 'accuracy' over 200 items kept" in run.per_item_note

    board = leaderboard(
        phase=cast.test, subtask=cast.subtask, partition="public", viewer=cast.participant
    )
    first, second = board.rows
    assert (first.team, first.primary, second.team, second.primary) == ("Alpha", 1.0, "Beta", 0.5)
    assert first.intervals == {"accuracy": {"low": 1.0, "high": 1.0}}
    # Beta's interval is the percentile interval of its accuracy on the board's resamples of
    # the 200 public items (ids sorted: p000...p199), computed here by hand.
    samples = phase_board_settings(cast.test).resamples
    hits = np.array([k % 2 for k in range(200)], dtype=float)  # wrong on p000, p002, ...
    resampled = resample_counts(200, samples, 0) @ hits / 200
    low, high = np.quantile(resampled, [0.025, 0.975])
    assert second.intervals["accuracy"] == pytest.approx({"low": low, "high": high})
    assert (first.cluster, second.cluster) == (1, 2)
    assert (first.rank_range, second.rank_range) == ([1, 1], [2, 2])
    assert second.vs_leader["delta"] == pytest.approx(-0.5) and second.vs_leader["p_value"] < 0.01
    # The declared column n has no per-item values: no interval, and the board says so.
    assert board.stats["without_intervals"] == ["n"] and board.stats["scored_by_program"]

    response = get(
        cast.participant, f"/api/v1/phases/{cast.test.pk}/leaderboard/?subtask=a&partition=public"
    )
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [r["intervals"] for r in rows] == [first.intervals, second.intervals]
    assert [r["cluster"] for r in rows] == [1, 2]
    assert response.json()["statistics"]["without_intervals"] == ["n"]
    page = get(cast.participant, "/tasks/tiny/results/?phase=test").content.decode()
    assert 'class="ci"' in page and "No interval is available for n" in page


def test_private_per_item_values_feed_only_the_private_board_and_only_after_reveal(cast, two_teams):
    alpha, _ = two_teams
    private = leaderboard(
        phase=cast.test, subtask=cast.subtask, partition="private", viewer=cast.organiser
    )
    assert [(r.team, r.primary) for r in private.rows] == [("Beta", 1.0), ("Alpha", 0.6)]
    private_alpha = private.rows[1].intervals["accuracy"]
    assert private_alpha["low"] < 0.6 < private_alpha["high"] < 0.75
    secrets = [
        repr(v) for row in private.rows for iv in row.intervals.values() for v in iv.values()
    ]
    secrets = [s for s in secrets if s not in ("1.0",)]
    assert secrets

    url = f"/api/v1/phases/{cast.test.pk}/leaderboard/?subtask=a"
    assert get(cast.participant, f"{url}&partition=private").status_code == 403
    public = get(cast.participant, f"{url}&partition=public").content.decode()
    page = get(cast.participant, "/tasks/tiny/results/?phase=test").content.decode()
    mine = get(cast.participant, f"/api/v1/submissions/{alpha}/").content.decode()
    for text in (public, page, mine):
        assert PRIVATE_MARKER not in text and PUBLIC_MARKER not in text
        assert not [s for s in secrets if s in text], "a private interval leaked"

    phase_reveal(phase=cast.test, by=cast.organiser)
    snapshots.board_rebuild(phase_id=cast.test.pk, subtask_id=cast.subtask.pk)
    response = get(cast.participant, f"{url}&partition=private")
    assert response.status_code == 200
    assert response.json()["rows"][1]["intervals"]["accuracy"] == pytest.approx(private_alpha)


def test_a_mean_that_disagrees_with_the_score_gives_no_interval_and_a_note(
    cast, sandbox, monkeypatch
):
    use_program(cast, "disagree")
    submission_id = score(cast.participant, cast.dev, results_zip())
    assert Score.objects.get(submission=submission_id, metric="accuracy").value == 1.1
    run = Submission.objects.get(pk=submission_id).program_runs.get()
    assert not run.organiser_fault and not run.error
    assert "is 1, but the program reported 1.1: no interval for 'accuracy'" in run.per_item_note
    assert "no interval for 'accuracy'" in Submission.objects.get(pk=submission_id).log
    assert not gold_storage().exists(record_name(submission_id, "all"))
    rebuild(cast, cast.dev, monkeypatch)
    board = leaderboard(phase=cast.dev, subtask=cast.subtask, partition="public", viewer=None)
    assert board.rows[0].intervals == {} and board.rows[0].cluster is None
    assert board.stats["rows_with_intervals"] == 0
    page = get(cast.participant, "/tasks/tiny/results/?phase=dev").content.decode()
    assert "its scoring program gives no per-item values (per_item.csv) to resample" in page


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("malformed", "'yes' is not a finite number"),
        ("symlink", "is a symlink"),
        ("oversized", "larger than 50 bytes"),
    ],
)
def test_an_unusable_per_item_file_gives_no_interval_and_does_not_fail_the_submission(
    cast, sandbox, monkeypatch, mode, reason
):
    if mode == "oversized":
        monkeypatch.setattr(per_item, "MAX_PER_ITEM_BYTES", 50)
    use_program(cast, "ok" if mode == "oversized" else mode)
    submission_id = score(cast.participant, cast.dev, results_zip())
    assert Score.objects.get(submission=submission_id, metric="accuracy").value == 1.0
    run = Submission.objects.get(pk=submission_id).program_runs.get()
    assert not run.organiser_fault and "per_item.csv ignored, so no intervals" in run.per_item_note
    assert reason in run.per_item_note
    assert not gold_storage().exists(record_name(submission_id, "all"))


def test_a_rescore_without_per_item_values_drops_the_old_record(cast, sandbox, monkeypatch):
    use_program(cast, "ok")
    submission_id = score(cast.participant, cast.dev, results_zip())
    assert gold_storage().exists(record_name(submission_id, "all"))
    use_program(cast, "none")
    Submission.objects.filter(pk=submission_id).update(status=Submission.Status.QUEUED)
    assert submission_score(submission_id=submission_id) == "scored"
    assert not gold_storage().exists(record_name(submission_id, "all"))
    run = Submission.objects.get(pk=submission_id).program_runs.get()
    assert run.per_item_note == "no per_item.csv: no intervals"


MACRO_F1_PROGRAM = """
import json
truth = dict(l.split() for l in open("/app/input/ref/truth.txt") if " " in l.strip())
pred = dict(l.split() for l in open("/app/input/res/predictions.txt") if l.strip())
hits = {i: int(pred.get(i) == label) for i, label in truth.items()}
f1 = []
for c in set(truth.values()):
    tp = sum(truth[i] == c and pred.get(i) == c for i in truth)
    both = sum(truth[i] == c for i in truth) + sum(pred.get(i) == c for i in truth)
    f1.append(2 * tp / both if both else 0.0)
scores = {"macro_f1": sum(f1) / len(f1), "accuracy": sum(hits.values()) / len(hits)}
json.dump(scores, open("/app/output/scores.json", "w"))
with open("/app/output/per_item.csv", "w") as f:
    f.write("id,accuracy\\n" + "".join(f"{i},{h}\\n" for i, h in hits.items()))
"""


def test_only_mean_columns_get_intervals_and_the_board_says_the_rest_have_none(
    cast, sandbox, monkeypatch
):
    """Macro-F1 is not a mean over items: the primary has no interval (so no clusters), while
    accuracy, written per item, has one."""
    program_scoring_set(
        subtask=cast.subtask,
        program=cast.program,
        columns=[Column(key="macro_f1", primary=True), Column(key="accuracy")],
    )
    cast.set_program(MACRO_F1_PROGRAM, "python3 /app/program/score.py", name="f1")
    labels = list(LABELS)
    labels[0] = "machine"
    score(cast.participant, cast.dev, results_zip(labels))
    rebuild(cast, cast.dev, monkeypatch)
    board = leaderboard(phase=cast.dev, subtask=cast.subtask, partition="public", viewer=None)
    (row,) = board.rows
    assert set(row.intervals) == {"accuracy"} and row.metrics["accuracy"] == 0.9
    assert row.cluster is None and row.rank_range is None
    assert board.stats["without_intervals"] == ["macro_f1"]
    page = get(cast.participant, "/tasks/tiny/results/?phase=dev").content.decode()
    assert "No interval is available for macro f1: the scoring program gives no per-item" in page
    assert "on macro f1, so this board has none" in page


def test_test_this_program_tells_the_organiser_what_per_item_csv_gave(
    cast, client, sandbox, monkeypatch, django_capture_on_commit_callbacks
):
    from podium.programs.models import ProgramTrial
    from podium.programs.trial import trial_run

    sent: list[int] = []
    monkeypatch.setattr(
        "podium.programs.enqueue.trial_enqueue",
        lambda *, trial_id: sent.append(trial_id) or True,
    )
    use_program(cast, "disagree")
    client.force_login(cast.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/programs/scoringprogram/{cast.program.pk}/test/",
            {
                "subtask": cast.subtask.program_scoring.pk,
                "split": "dev",
                "results": SimpleUploadedFile("sample.zip", results_zip()),
            },
        )
    assert trial_run(trial_id=sent[0]) == ProgramTrial.Status.DONE
    page = client.get(response["Location"]).content.decode()
    assert "Per-item values (per_item.csv, for intervals)" in page
    assert "the program reported 1.1: no interval for &#x27;accuracy&#x27;" in page
