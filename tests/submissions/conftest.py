"""The submission tests' cast: the one cast of tests/cast.py on the small imported task."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.importer import task_import
from tests.cast import Cast, cast_build


@pytest.fixture
def cast(db, small_task_files) -> Cast:
    """The one cast (tests/cast.py) on the small task; `cast.team` is the participant's Alpha."""
    task_import(path=small_task_files)
    return cast_build(task=SharedTask.objects.get(slug="tiny"))


def predictions(labels: list[str] | None = None, *, ids=None) -> bytes:
    """A JSONL submission for the tiny task (ids x0..x9)."""
    ids = ids or [f"x{i}" for i in range(10)]
    labels = labels or ["human", "machine"] * 5
    return "".join(
        json.dumps({"id": i, "label": label}) + "\n" for i, label in zip(ids, labels, strict=True)
    ).encode()


def upload(content: bytes | None = None, name: str = "pred.jsonl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, predictions() if content is None else content)
