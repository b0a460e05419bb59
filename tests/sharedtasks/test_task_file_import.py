"""Task files: a good file imports, re-imports idempotently, round-trips through export, and each
kind of bad file is refused with a message that names the key, changing nothing."""

import json
import re
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from podium.sharedtasks.models import Dataset, Phase, SharedTask, Subtask
from podium.sharedtasks.taskfile.exporter import task_export
from podium.sharedtasks.taskfile.importer import TaskFileError, task_import

pytestmark = pytest.mark.django_db


def edit(path, change):
    document = yaml.safe_load(path.read_text())
    change(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def import_errors(path) -> list[str]:
    with pytest.raises(TaskFileError) as caught:
        task_import(path=path)
    return caught.value.errors


def test_a_good_file_creates_the_whole_task(small_task_files):
    report = task_import(path=small_task_files)
    task = SharedTask.objects.get(slug="tiny")
    assert task.visibility == "published" and task.registration_policy == "approval"
    subtask = task.subtasks.get()
    assert subtask.labels == ["human", "machine"] and subtask.group_fields == ["language"]
    assert subtask.primary_metric == "accuracy" and subtask.metric_names == ["accuracy", "macro_f1"]
    assert sorted(subtask.datasets.values_list("split", flat=True)) == ["dev", "test", "train"]
    test_data = subtask.datasets.get(split="test")
    assert test_data.row_count == 10
    assert b'"partition": "private"' in test_data.gold.read()
    dev = task.phases.get(slug="dev")
    assert (dev.max_per_day, dev.max_total, dev.max_concurrent) == (5, 50, 2)
    assert task.phases.get(slug="test").leaderboard_mode == "private_at_end"
    assert "task tiny: created" in report.changes


def test_importing_twice_changes_nothing_and_stores_no_second_copy(
    small_task_files, isolated_storage
):
    task_import(path=small_task_files)
    files_before = sorted(p.name for p in isolated_storage.rglob("*.jsonl"))
    second = task_import(path=small_task_files)
    assert second.changes == []
    assert SharedTask.objects.count() == 1 and Subtask.objects.count() == 1
    assert Phase.objects.count() == 2 and Dataset.objects.count() == 3
    assert sorted(p.name for p in isolated_storage.rglob("*.jsonl")) == files_before


def test_a_changed_file_updates_the_task_in_place(small_task_files):
    task_import(path=small_task_files)
    edit(small_task_files, lambda d: d["phases"][0]["limits"].update(per_day=9))
    report = task_import(path=small_task_files)
    assert report.changes == ["phase dev: updated"]
    assert Phase.objects.get(slug="dev").max_per_day == 9


def test_dry_run_reports_but_writes_nothing(small_task_files, isolated_storage):
    report = task_import(path=small_task_files, dry_run=True)
    assert report.dry_run and "task tiny: created" in report.changes
    assert SharedTask.objects.count() == 0
    stored = [*(isolated_storage / "media").rglob("*"), *(isolated_storage / "gold").rglob("*")]
    assert stored == []


def test_export_then_import_round_trips(small_task_files, tmp_path):
    task_import(path=small_task_files)
    exported = task_export(task=SharedTask.objects.get(slug="tiny"), out_dir=tmp_path / "export")
    assert task_import(path=exported).changes == []
    original = yaml.safe_load(small_task_files.read_text())
    again = yaml.safe_load(exported.read_text())
    assert again["subtasks"][0]["format"]["labels"] == original["subtasks"][0]["format"]["labels"]
    SharedTask.objects.all().delete()
    task_import(path=exported)
    assert SharedTask.objects.get(slug="tiny").subtasks.get().datasets.count() == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["phases"][1].update(end=d["phases"][1]["start"]),
            "phases[1].end: must be after start",
        ),
        (lambda d: d.pop("title"), "title: is required"),
        (lambda d: d["subtasks"][0]["format"].update(type="xml"), "subtasks[0].format.type:"),
        (
            lambda d: d["subtasks"][0]["scorer"].update(primary="pearson"),
            "subtasks[0].scorer.primary:",
        ),
        (lambda d: d["subtasks"][0]["format"].update(labels=[]), "subtasks[0].format.labels:"),
        (lambda d: d["phases"][0].update(colour="red"), "phases[0].colour: is not a known key"),
        (lambda d: d["phases"][0]["limits"].update(per_day=-1), "phases[0].limits.per_day:"),
        (lambda d: d["phases"].append(dict(d["phases"][0])), "phases[2].slug: 'dev' is used twice"),
        (lambda d: d.update(slug="Not A Slug"), "slug:"),
        (
            lambda d: d["subtasks"][0]["data"]["dev"].update(gold="data/nope.jsonl"),
            "subtasks[0].data.dev.gold: file not found",
        ),
        (lambda d: d.update(organisers=["nobody"]), "organisers[0]: no user named 'nobody'"),
    ],
)
def test_each_kind_of_bad_file_names_its_key(small_task_files, change, expected):
    errors = import_errors(edit(small_task_files, change))
    assert any(error.startswith(expected) for error in errors), errors
    assert SharedTask.objects.count() == 0


def test_invalid_yaml_names_the_line(small_task_files):
    small_task_files.write_text("slug: x\ntitle: [unclosed\n")
    (error,) = import_errors(small_task_files)
    assert re.match(r"\(file\): line \d+, column \d+: not valid YAML", error)


def rewrite_jsonl(path, change):
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    change(rows)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "data/dev.gold.jsonl",
            lambda rows: rows[3].update(label="robot"),
            "subtasks[0].data.dev.gold: line 4",
        ),
        (
            "data/dev.gold.jsonl",
            lambda rows: rows[5].update(id="x0"),
            "subtasks[0].data.dev.gold: line 6",
        ),
        (
            "data/test.gold.jsonl",
            lambda rows: rows[2].pop("partition"),
            "subtasks[0].data.test.gold: line 3",
        ),
        (
            "data/dev.jsonl",
            lambda rows: rows[7].update(id="x1"),
            "subtasks[0].data.dev.inputs: line 8: id 'x1' already used on line 2",
        ),
        (
            "data/train.jsonl",
            lambda rows: rows[1].update(label="cyborg"),
            "subtasks[0].data.train.inputs: line 2: label 'cyborg'",
        ),
        (
            "data/dev.gold.jsonl",
            lambda rows: rows.pop(),
            "subtasks[0].data.dev.gold: ids differ from the inputs",
        ),
    ],
)
def test_bad_data_is_refused_with_the_line(small_task_files, file, change, expected):
    rewrite_jsonl(small_task_files.parent / file, change)
    errors = import_errors(small_task_files)
    assert any(error.startswith(expected) for error in errors), errors
    assert SharedTask.objects.count() == 0


def test_the_command_prints_errors_and_fails(small_task_files):
    edit(small_task_files, lambda d: d["phases"][1].update(end=d["phases"][1]["start"]))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_task", str(small_task_files), stderr=err)
    assert "phases[1].end: must be after start" in err.getvalue()


def test_the_commands_import_and_export(small_task_files, tmp_path):
    out = StringIO()
    call_command("import_task", str(small_task_files), "--dry-run", stdout=out)
    assert "would change: task tiny: created" in out.getvalue()
    assert not SharedTask.objects.exists()
    call_command("import_task", str(small_task_files), stdout=out)
    call_command("export_task", "tiny", str(tmp_path / "out"), stdout=out)
    assert (tmp_path / "out/task.yaml").exists()
    with pytest.raises(CommandError, match="no shared task"):
        call_command("export_task", "nope", str(tmp_path / "x"))


def test_a_failure_allowance_of_zero_is_refused_with_its_key(small_task_files):
    """0 failures a day would refuse every upload before anything had failed."""

    def zero(document):
        document["phases"][0]["limits"]["failed_per_day"] = 0

    errors = import_errors(edit(small_task_files, zero))
    assert any(e.startswith("phases[0].limits.failed_per_day") for e in errors), errors
    assert not SharedTask.objects.exists()
