"""Submitting a results zip to a program-scored subtask and getting the program's scores."""

import pytest

from podium.submissions.models import Score, Submission
from podium.submissions.scoring import submission_score

from .conftest import (
    LABELS,
    PLACEHOLDER_TXT,
    REF_MARKER,
    api_read,
    api_submit,
    results_zip,
)

pytestmark = pytest.mark.django_db


def test_dev_results_zip_gets_the_programs_score(cast, sandbox):
    wrong = ["human"] * 10  # right on the 5 human rows
    submission_id = api_submit(cast.participant, cast.dev, results_zip(wrong))
    assert submission_score(submission_id=submission_id) == "scored"
    body, _ = api_read(cast.participant, submission_id)
    assert body["scores"]["all"]["overall"] == {"accuracy": 0.5, "n": 10.0}
    run = Submission.objects.get(pk=submission_id).program_runs.get()
    assert run.version.number == 1 and run.returncode == 0 and not run.organiser_fault


def test_test_phase_scores_public_and_private_apart(cast, sandbox):
    # Right on the public rows x0..x3, wrong on every private row.
    labels = LABELS[:4] + [("machine" if lab == "human" else "human") for lab in LABELS[4:]]
    submission_id = api_submit(cast.participant, cast.test, results_zip(labels))
    assert submission_score(submission_id=submission_id) == "scored"
    stored = {
        (s.partition, s.metric): s.value for s in Score.objects.filter(submission=submission_id)
    }
    assert stored == {
        ("public", "accuracy"): 1.0, ("public", "n"): 4.0,
        ("private", "accuracy"): 0.0, ("private", "n"): 6.0,
    }  # fmt: skip
    body, raw = api_read(cast.participant, submission_id)
    assert set(body["scores"]) == {"public"}, "private scores stay hidden until the reveal"
    assert all(marker not in raw for marker in REF_MARKER.values())


def test_placeholder_program_writing_scores_txt(cast, sandbox):
    cast.set_program(PLACEHOLDER_TXT, "python $program/score.py $input $output", name="txt")
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "scored"
    body, _ = api_read(cast.participant, submission_id)
    assert body["scores"]["all"]["overall"]["accuracy"] == 1.0
    assert Submission.objects.get(pk=submission_id).program_runs.get().version.number == 2


def test_a_single_file_is_placed_in_res_under_the_configured_name(cast, sandbox):
    scoring = cast.subtask.program_scoring
    scoring.results_filename = "predictions.txt"
    scoring.save()
    content = "".join(f"x{i} {lab}\n" for i, lab in enumerate(LABELS)).encode()
    submission_id = api_submit(cast.participant, cast.dev, content, name="my-run.txt")
    assert submission_score(submission_id=submission_id) == "scored"
    assert Score.objects.get(submission=submission_id, metric="accuracy").value == 1.0
