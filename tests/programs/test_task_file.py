"""The `program:` block of a task file: import, errors by key, and export round-trips."""

import pytest
import yaml

from podium.programs.bundles.importer import bundle_import
from podium.programs.models import ProgramScoring, ReferenceData
from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.exporter import task_export
from podium.sharedtasks.taskfile.importer import TaskFileError, task_import

from .conftest import ABSOLUTE_JSON, IDS, write_program, write_reference

pytestmark = pytest.mark.django_db

TASK = """
slug: prog
title: Program task
visibility: published
subtasks:
  - slug: a
    title: A
    format: {type: txt, value_type: number}
    program:
      name: acc
      path: program
      results_filename: predictions.txt
      timeout_s: 60
      columns:
        - {key: accuracy, title: Accuracy, primary: true, precision: 3}
        - {key: n, hidden: true}
      reference:
        dev: {all: ref-dev}
phases:
  - slug: dev
    name: Dev
    split: dev
    start: 2027-01-01T00:00:00Z
    end: 2027-02-01T00:00:00Z
"""


@pytest.fixture
def task_file(tmp_path):
    write_program(tmp_path / "program", ABSOLUTE_JSON, "python3 /app/program/score.py")
    write_reference(tmp_path / "ref-dev", "all", IDS)
    path = tmp_path / "task.yaml"
    path.write_text(TASK)
    return path


def test_a_task_file_program_block_is_imported(task_file):
    report = task_import(path=task_file)
    scoring = ProgramScoring.objects.get()
    assert scoring.results_filename == "predictions.txt"
    assert scoring.program.timeout_s == 60
    assert [c.key for c in scoring.columns.all()] == ["accuracy", "n"]
    subtask = scoring.subtask
    assert (subtask.primary_metric, subtask.metrics) == ("accuracy", ["accuracy"])
    assert "subtask a: dev/all reference stored" in report.changes
    assert task_import(path=task_file).changes == []


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("primary: true, precision: 3", "precision: 3"), "exactly one column must be primary"),
        (("path: program", "path: missing"), "subtasks[0].program.path: not found: missing"),
        (("dev: {all: ref-dev}", "dev: {public: ref-dev}"),
         "subtasks[0].program.reference.dev.public: only the test split"),
        (("timeout_s: 60", "timeout: 60"), "subtasks[0].program.timeout: is not a known key"),
    ],
)  # fmt: skip
def test_program_block_errors_name_their_key(task_file, edit, message):
    task_file.write_text(task_file.read_text().replace(*edit))
    with pytest.raises(TaskFileError) as caught:
        task_import(path=task_file)
    assert any(message in line for line in caught.value.errors), caught.value.errors
    assert not SharedTask.objects.exists()


def test_scorer_and_program_together_are_refused(task_file):
    text = task_file.read_text().replace(
        "    program:", "    scorer: {metrics: [accuracy], primary: accuracy}\n    program:"
    )
    task_file.write_text(text)
    with pytest.raises(TaskFileError, match="either a scorer or a program"):
        task_import(path=task_file)


def test_export_then_import_under_another_slug_gives_the_same_scoring(task_file, tmp_path):
    task_import(path=task_file)
    out = tmp_path / "export"
    task_export(task=SharedTask.objects.get(slug="prog"), out_dir=out)
    document = yaml.safe_load((out / "task.yaml").read_text())
    assert "scorer" not in document["subtasks"][0]
    assert task_import(path=out / "task.yaml").changes == [], "re-import of an export is a no-op"
    document["slug"] = "prog-copy"
    (out / "task.yaml").write_text(yaml.safe_dump(document))
    task_import(path=out / "task.yaml")
    copy = ProgramScoring.objects.get(subtask__task__slug="prog-copy")
    assert copy.program.latest_version().sha256 == (
        ProgramScoring.objects.get(subtask__task__slug="prog").program.latest_version().sha256
    )
    assert [(c.key, c.primary, c.hidden) for c in copy.columns.all()] == [
        ("accuracy", True, False), ("n", False, True)
    ]  # fmt: skip
    assert ReferenceData.objects.filter(subtask=copy.subtask).count() == 1


def test_a_bundle_task_exports_and_imports_again(tmp_path, make_user):
    # Written as a plain task-file round trip of a bundle-shaped task (a test split with
    # public and private references).
    folder = tmp_path / "bundle"
    write_program(folder / "program", ABSOLUTE_JSON, "python3 /app/program/score.py")
    write_reference(folder / "ref/public", "public", IDS[:4])
    write_reference(folder / "ref/private", "private", IDS[4:])
    (folder / "competition.yaml").write_text(
        """
version: 2
title: Round Trip
tasks: [{index: 0, name: Main, scoring_program: program, reference_data: ref}]
phases: [{index: 0, name: Final, start: 2027-01-01, end: 2027-03-01, tasks: [0]}]
leaderboards: [{title: R, key: r, columns: [{title: Acc, key: accuracy, index: 0}]}]
"""
    )
    report = bundle_import(path=folder)
    out = tmp_path / "export"
    task_export(task=SharedTask.objects.get(slug=report.task_slug), out_dir=out)
    assert task_import(path=out / "task.yaml").changes == []
    document = yaml.safe_load((out / "task.yaml").read_text())
    assert set(document["subtasks"][0]["program"]["reference"]["test"]) == {"public", "private"}
