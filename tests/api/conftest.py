"""The API tests' cast is the one cast of tests/cast.py, on the small task of tests/conftest.py
(Alpha: participant and teammate; Beta: the outsider, a rival; a stranger; two organisers).
The gold files carry GOLD_MARKER in a gold-only column: no response body may ever contain it.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.importer import task_import
from podium.submissions.models import Score, Submission
from tests.cast import Cast, cast_build
from tests.conftest import fast_passwords  # noqa: F401 - re-exported for older imports

GOLD_MARKER = "GOLDONLY-4f1c9e"
# A private-partition score value distinctive enough to search response bodies for.
PRIVATE_VALUE = 0.616161


@pytest.fixture(autouse=True)
def quiet_broker(no_broker):
    """Scoring jobs are not sent anywhere; the tests that need scores make them."""
    return no_broker


def mark_gold(task_file) -> None:
    for name in ("dev.gold.jsonl", "test.gold.jsonl"):
        path = task_file.parent / "data" / name
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        path.write_text("".join(json.dumps({**row, "note": GOLD_MARKER}) + "\n" for row in rows))


@pytest.fixture
def cast(db, small_task_files) -> Cast:
    """The one cast (tests/cast.py) on the small task, its gold files marked."""
    mark_gold(small_task_files)
    task_import(path=small_task_files)
    return cast_build(task=SharedTask.objects.get(slug="tiny"))


@pytest.fixture
def client_for():
    """An APIClient authenticated as `user` (None: anonymous)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def prediction(content: bytes | None = None, name: str = "pred.jsonl") -> SimpleUploadedFile:
    if content is None:
        labels = ["human", "machine"]
        content = "".join(
            json.dumps({"id": f"x{i}", "label": labels[i % 2]}) + "\n" for i in range(10)
        ).encode()
    return SimpleUploadedFile(name, content, content_type="application/jsonl")


def make_scored(cast: Cast, *, team, phase, value: float = 0.5, private: float = PRIVATE_VALUE):
    """A scored submission written directly, with scores as the scorer would store them."""
    submission = Submission.objects.create(
        team=team,
        user=team.memberships.first().user,
        phase=phase,
        subtask=cast.task.subtasks.get(),
        sha256="0" * 64,
        status=Submission.Status.SCORED,
        method_name=f"{team.name} method",
        log=f"organiser-only log of {team.name}",
    )
    submission.file.save("pred.jsonl", prediction())
    partitions = {"all": value} if phase.split != "test" else {"public": value, "private": private}
    for partition, score in partitions.items():
        Score.objects.create(
            submission=submission, partition=partition, metric="accuracy", value=score
        )
        Score.objects.create(
            submission=submission,
            partition=partition,
            metric="accuracy",
            group_field="language",
            group_value="en",
            value=score,
        )
    return submission
