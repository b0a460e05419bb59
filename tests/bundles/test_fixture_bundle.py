"""The demo bundle in fixtures/ imports, and its sample submission scores with its program."""

import zipfile
from pathlib import Path

import pytest

from podium.programs.bundles.importer import bundle_import
from podium.programs.execution import program_evaluate
from podium.sharedtasks.models import SharedTask
from scorers.stats.records import load_record

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures/bundles/sentiment-codabench"

pytestmark = pytest.mark.django_db


def test_the_fixture_bundle_imports_and_scores_its_sample_submission(make_user, sandbox, tmp_path):
    make_user("organiser", organiser=True)
    report = bundle_import(path=FIXTURE, owner="organiser", publish=True)
    assert report.task_slug == "demo-sentiment-bundle"
    assert any("solutions" in line for line in report.not_imported)
    subtask = SharedTask.objects.get(slug=report.task_slug).subtasks.get()
    results = tmp_path / "sample.zip"
    with zipfile.ZipFile(results, "w") as archive:
        archive.write(FIXTURE / "sample_submission/predictions.tsv", "predictions.tsv")
    evaluation = program_evaluate(
        scoring=subtask.program_scoring, split="test", results_path=results,
        original_name="sample.zip",
    )  # fmt: skip
    assert evaluation.ok, evaluation.log()
    runs = {run.partition: run for run in evaluation.runs}
    assert set(runs) == {"public", "private"}
    assert runs["public"].extras == {"items": 16} and runs["private"].extras == {"items": 24}
    assert 0 < runs["private"].values["macro_f1"] < 1
    assert "<h2>Scored 24 items</h2>" in runs["private"].detailed_html
    # Its per_item.csv gives accuracy (a mean over items) per-item values; macro-F1 has none.
    assert runs["private"].per_item is not None
    assert "values of 'accuracy' over 24 items kept" in runs["private"].per_item_note
    assert load_record(runs["private"].per_item).metric("macro_f1") is None
