"""A tiny imported task with a registered team (participant + teammate) and an outsider."""

import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.sharedtasks.taskfile.importer import task_import
from podium.teams.models import Membership, Registration, Team
from podium.teams.services import team_create


@dataclass
class Cast:
    task: SharedTask
    subtask: Subtask
    dev: Phase
    test: Phase
    team: Team
    participant: object
    teammate: object
    outsider: object
    organiser: object


@pytest.fixture
def cast(db, small_task_files, make_user):
    task_import(path=small_task_files)
    task = SharedTask.objects.get(slug="tiny")
    participant, teammate = make_user("alice"), make_user("alan")
    outsider, organiser = make_user("olga"), make_user("oscar", organiser=True)
    task.organisers.add(organiser)
    team = team_create(name="Team A", captain=participant)
    Membership.objects.create(team=team, user=teammate)
    Registration.objects.create(team=team, task=task, status="approved")
    other = team_create(name="Team O", captain=outsider)
    Registration.objects.create(team=other, task=task, status="pending")
    return Cast(
        task=task,
        subtask=task.subtasks.get(),
        dev=task.phases.get(slug="dev"),
        test=task.phases.get(slug="test"),
        team=team,
        participant=participant,
        teammate=teammate,
        outsider=outsider,
        organiser=organiser,
    )


def predictions(labels: list[str] | None = None, *, ids=None) -> bytes:
    """A JSONL submission for the tiny task (ids x0..x9)."""
    ids = ids or [f"x{i}" for i in range(10)]
    labels = labels or ["human", "machine"] * 5
    return "".join(
        json.dumps({"id": i, "label": label}) + "\n" for i, label in zip(ids, labels, strict=True)
    ).encode()


def upload(content: bytes | None = None, name: str = "pred.jsonl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, predictions() if content is None else content)
