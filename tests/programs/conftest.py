"""A task whose subtask is scored by an organiser's program, written here (never copied).

The cast: a participant and teammate in team Alpha, a rival team Beta, an organiser. Both
phases are open. The reference of each partition holds a distinct marker line, so a test can
tell which reference a run saw and search responses for leaked reference content.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from podium.programs.models import ScoringProgram
from podium.programs.results import Column
from podium.programs.services import program_scoring_set, program_version_add, reference_store
from podium.sandbox import sandbox_available
from podium.sandbox.policy import probe_sandbox
from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.sharedtasks.taskfile.importer import task_import
from podium.teams.models import Membership, Registration
from podium.teams.services import team_create

IDS = [f"x{i}" for i in range(10)]
LABELS = ["human", "machine"] * 5
PUBLIC_IDS, PRIVATE_IDS = IDS[:4], IDS[4:]
REF_MARKER = {"all": "REF-ALL-3b1f", "public": "REF-PUBLIC-9c2e", "private": "REF-PRIVATE-7d4a"}

# Accuracy of res/predictions.txt ("id label" lines) against ref/truth.txt, Codabench style:
# absolute /app paths, scores.json.
ABSOLUTE_JSON = """
import json, os
truth = dict(l.split() for l in open("/app/input/ref/truth.txt") if l.strip() and " " in l)
pred = dict(l.split() for l in open("/app/input/res/predictions.txt") if l.strip())
right = sum(pred.get(i) == label for i, label in truth.items())
json.dump({"accuracy": right / len(truth), "n": len(truth)}, open("/app/output/scores.json", "w"))
open("/app/output/detailed_results.html", "w").write("<h2>Details</h2><script>x()</script>")
"""

# The same metric, CodaLab v1.5 style: `$input $output` arguments and scores.txt.
PLACEHOLDER_TXT = """
import os, sys
src, out = sys.argv[1], sys.argv[2]
truth = dict(l.split() for l in open(os.path.join(src, "ref", "truth.txt")) if " " in l)
pred = dict(l.split() for l in open(os.path.join(src, "res", "predictions.txt")) if l.strip())
right = sum(pred.get(i) == label for i, label in truth.items())
with open(os.path.join(out, "scores.txt"), "w") as f:
    f.write(f"accuracy: {right / len(truth)}\\nn: {len(truth)}\\n")
"""


def write_program(folder: Path, source: str, command: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "score.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (folder / "metadata").write_text(f"command: {command}\ndescription: test\n", encoding="utf-8")
    return folder


def write_reference(folder: Path, partition: str, ids: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{i} {LABELS[IDS.index(i)]}" for i in ids]
    (folder / "truth.txt").write_text("\n".join([REF_MARKER[partition], *lines]) + "\n")
    return folder


def results_zip(labels: list[str] | None = None, *, extra: dict | None = None) -> bytes:
    labels = labels or LABELS
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "predictions.txt", "".join(f"{i} {lab}\n" for i, lab in zip(IDS, labels, strict=True))
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def sandbox():
    if not sandbox_available():
        pytest.skip(f"bubblewrap cannot run here: {probe_sandbox()}")


@dataclass
class Cast:
    task: SharedTask
    subtask: Subtask
    dev: Phase
    test: Phase
    program: ScoringProgram
    participant: object
    teammate: object
    outsider: object
    organiser: object
    alpha: object
    base: Path

    def set_program(self, source: str, command: str, name: str = "v") -> None:
        folder = write_program(self.base / f"program-{name}", source, command)
        program_version_add(program=self.program, source=folder)


@pytest.fixture
def cast(db, make_user, small_task_files, tmp_path, no_broker) -> Cast:
    task_import(path=small_task_files)
    task = SharedTask.objects.get(slug="tiny")
    now = timezone.now()
    test = task.phases.get(slug="test")
    test.start, test.end = now - timedelta(hours=1), now + timedelta(days=2)
    test.save()
    organiser = make_user("org", organiser=True)
    task.organisers.add(organiser)
    participant, teammate, outsider = make_user("pat"), make_user("tim"), make_user("olga")
    alpha = team_create(name="Alpha", captain=participant)
    Membership.objects.create(team=alpha, user=teammate)
    beta = team_create(name="Beta", captain=outsider)
    for team in (alpha, beta):
        Registration.objects.create(team=team, task=task, status=Registration.Status.APPROVED)
    subtask = task.subtasks.get()
    program = ScoringProgram.objects.create(task=task, name="accuracy")
    base = tmp_path / "organiser"
    cast = Cast(
        task=task, subtask=subtask, dev=task.phases.get(slug="dev"), test=test, program=program,
        participant=participant, teammate=teammate, outsider=outsider, organiser=organiser,
        alpha=alpha, base=base,
    )  # fmt: skip
    cast.set_program(ABSOLUTE_JSON, "python3 /app/program/score.py")
    program_scoring_set(
        subtask=subtask,
        program=program,
        columns=[Column(key="accuracy", title="Accuracy", primary=True), Column(key="n")],
    )
    reference_store(
        subtask=subtask, split="dev", partition="all",
        source=write_reference(base / "ref-dev", "all", IDS),
    )  # fmt: skip
    for partition, ids in (("public", PUBLIC_IDS), ("private", PRIVATE_IDS)):
        reference_store(
            subtask=subtask, split="test", partition=partition,
            source=write_reference(base / f"ref-{partition}", partition, ids),
        )  # fmt: skip
    return cast


def api_submit(user, phase: Phase, content: bytes, name: str = "results.zip") -> int:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/submissions/",
        {"phase": phase.pk, "subtask": "a", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def api_read(user, submission_id: int) -> tuple[dict, str]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/submissions/{submission_id}/")
    return response.json(), response.content.decode()
