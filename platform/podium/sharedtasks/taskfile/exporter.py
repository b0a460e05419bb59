"""Write a shared task back as a task file plus its data, so that export then import round-trips."""

import shutil
from pathlib import Path

import yaml

from podium.sharedtasks.files import safe_filename
from podium.sharedtasks.models import SharedTask, Subtask
from podium.sharedtasks.taskfile.extensions import EXTENSIONS


def _text(value: str) -> str:
    """Text with Unix line ends: browsers send the admin's textareas with \\r\\n, which would
    reach the task file as "\\r\\n" escapes inside a quoted string."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


class _TaskFileDumper(yaml.SafeDumper):
    """Multi-line text as literal blocks (`|`): readable and diffable like hand-written files."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_TaskFileDumper.add_representer(str, _str)


def _format(subtask: Subtask) -> dict:
    fmt: dict = {
        "type": subtask.file_format,
        "id_field": subtask.id_field,
        "value_field": subtask.value_field,
        "value_type": subtask.value_type,
    }
    if subtask.file_format == Subtask.FileFormat.CSV:
        fmt["separator"] = subtask.separator
    if subtask.value_type == Subtask.ValueType.LABEL:
        fmt["labels"] = list(subtask.labels)
    elif subtask.value_min is not None and subtask.value_max is not None:
        fmt["range"] = [subtask.value_min, subtask.value_max]
    if subtask.gold_value_field:
        fmt["gold_value_field"] = subtask.gold_value_field
    if subtask.value_type == Subtask.ValueType.SPANS:
        fmt["spans"] = {
            "cause": subtask.span_cause_field,
            "effect": subtask.span_effect_field,
            "text": subtask.span_text_field,
        }
    return fmt


def _scorer(subtask: Subtask) -> dict:
    scorer = {
        "metrics": subtask.metrics,
        "primary": subtask.primary_metric,
        "direction": subtask.direction,
        "group_fields": list(subtask.group_fields),
    }
    if subtask.min_coverage is not None:
        scorer["coverage"] = {"min": subtask.min_coverage}
    return scorer


def _copy(field, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with field.storage.open(field.name, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)


def _subtask(subtask: Subtask, out_dir: Path) -> dict:
    data: dict = {}
    for dataset in subtask.datasets.all():
        files = {"inputs": f"data/{subtask.slug}/{dataset.split}.jsonl"}
        _copy(dataset.inputs, out_dir / files["inputs"])
        if dataset.gold:
            files["gold"] = f"data/{subtask.slug}/{dataset.split}.gold.jsonl"
            _copy(dataset.gold, out_dir / files["gold"])
        data[dataset.split] = files
    downloads: dict = {}
    for row in subtask.data_files.all():
        # One folder per split and kind: two kinds may have the same file name.
        # The stored name is cleaned on the way in; cleaned again here, since a path outside
        # out_dir must never be written whatever a row holds.
        filename = safe_filename(row.filename, f"{row.kind}.zip")
        name = f"files/{subtask.slug}/{row.split}/{row.kind}/{filename}"
        _copy(row.file, out_dir / name)
        downloads.setdefault(row.split, {})[row.kind] = name
    document = {
        "slug": subtask.slug,
        "title": subtask.title,
        "description": _text(subtask.description),
        "format": _format(subtask),
        "scorer": _scorer(subtask),
        "data": data,
        **({"files": downloads} if downloads else {}),
        **({"baseline": subtask.baseline_method} if subtask.baseline_method else {}),
    }
    for extension in EXTENSIONS.values():
        document.update(extension.export(subtask, out_dir))
    # A subtask an extension scores (e.g. `program:`) has no built-in scorer block.
    return {k: v for k, v in document.items() if v is not None}


def _phase(phase) -> dict:
    return {
        "slug": phase.slug,
        "name": phase.name,
        "kind": phase.kind,
        "split": phase.split,
        "start": phase.start.isoformat(),
        "end": phase.end.isoformat(),
        "selection": phase.selection,
        "leaderboard": phase.leaderboard_mode,
        "limits": {
            "per_day": phase.max_per_day,
            "total": phase.max_total,
            "concurrent": phase.max_concurrent,
            "max_file_mb": phase.max_file_mb,
            "count_failed": phase.count_failed,
            "failed_per_day": phase.max_failed_per_day,
        },
    }


def task_export(*, task: SharedTask, out_dir: Path) -> Path:
    """Write `task.yaml` and the task's data files (gold included) into `out_dir`.

    The export holds gold files: it is for organisers moving or archiving a task.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "slug": task.slug,
        "title": task.title,
        "description": _text(task.description),
        "terms": _text(task.terms),
        "visibility": task.visibility,
        "registration": task.registration_policy,
        "canary": task.canary,
        "organisers": sorted(task.organisers.values_list("username", flat=True)),
        "subtasks": [
            _subtask(s, out_dir) for s in task.subtasks.prefetch_related("datasets", "data_files")
        ],
        "phases": [_phase(p) for p in task.phases.all()],
    }
    path = out_dir / "task.yaml"
    text = yaml.dump(document, Dumper=_TaskFileDumper, sort_keys=False, allow_unicode=True)
    # newline="\n": the file has Unix line ends on every platform.
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
