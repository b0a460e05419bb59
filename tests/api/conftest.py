"""The cast of the API tests, on the small task of tests/conftest.py.

- participant and teammate: team Alpha, approved for the task
- outsider: team Beta, also approved (a rival who must not see Alpha's files or private scores)
- stranger: signed in, in no registered team
- organiser of the task; other_organiser organises another task only
The gold files carry GOLD_MARKER in a gold-only column: no response body may ever contain it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from podium.sharedtasks.models import Phase, SharedTask
from podium.sharedtasks.taskfile.importer import task_import
from podium.submissions.models import Score, Submission
from podium.teams.models import Membership, Registration
from podium.teams.services import team_create

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


@dataclass
class Cast:
    task: SharedTask
    dev: Phase
    test: Phase
    participant: object
    teammate: object
    outsider: object
    stranger: object
    organiser: object
    other_organiser: object
    alpha: object
    beta: object


@pytest.fixture
def cast(make_user, small_task_files) -> Cast:
    mark_gold(small_task_files)
    task_import(path=small_task_files)
    task = SharedTask.objects.get(slug="tiny")
    organiser = make_user("org", organiser=True)
    task.organisers.add(organiser)
    other_organiser = make_user("otherorg", organiser=True)
    other = SharedTask.objects.create(slug="other", title="Other", visibility="published")
    other.organisers.add(other_organiser)

    participant, teammate = make_user("pat"), make_user("tim")
    outsider, stranger = make_user("olga"), make_user("stan")
    alpha = team_create(name="Alpha", captain=participant)
    Membership.objects.create(team=alpha, user=teammate)
    beta = team_create(name="Beta", captain=outsider)
    for team in (alpha, beta):
        Registration.objects.create(team=team, task=task, status=Registration.Status.APPROVED)
    return Cast(
        task=task,
        dev=task.phases.get(slug="dev"),
        test=task.phases.get(slug="test"),
        participant=participant,
        teammate=teammate,
        outsider=outsider,
        stranger=stranger,
        organiser=organiser,
        other_organiser=other_organiser,
        alpha=alpha,
        beta=beta,
    )


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


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Six users per test: the production hasher would spend most of the suite's time hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
