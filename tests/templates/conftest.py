"""Templates end to end: import a template, register a team, submit through the API, score.

The cast: `org` organises every imported template task; `pat` captains team Alpha, approved for
it. Templates are drafts when imported (organisers publish them when ready); the tests publish
them, as an organiser would, so that participants can submit.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from podium.sharedtasks.models import Phase, SharedTask
from podium.submissions.scoring import submission_score
from podium.teams.models import Registration
from podium.teams.services import team_create

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "fixtures" / "templates"
# In CI the shared data folder sits beside the checkout; PODIUM_SHARED_DATA points elsewhere.
SHARED_DATA = Path(os.environ.get("PODIUM_SHARED_DATA", REPO.parent / "shared" / "data"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@dataclass
class Imported:
    name: str
    task: SharedTask
    dev: Phase
    test: Phase
    client: APIClient
    organiser: object
    team: object

    def data(self, subtask: str, name: str) -> Path:
        return TEMPLATES / self.name / "data" / subtask / name

    def gold(self, subtask: str, split: str = "dev") -> list[dict]:
        return read_jsonl(self.data(subtask, f"{split}.gold.jsonl"))

    def submit(self, subtask: str, content: bytes, filename: str, phase: Phase | None = None):
        """Upload through the API, score it in the sandbox; the API's view of the result."""
        response = self.client.post(
            "/api/v1/submissions/",
            {
                "phase": (phase or self.dev).pk,
                "subtask": subtask,
                "file": SimpleUploadedFile(filename, content),
                "method_name": "test",
            },
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        submission_id = response.json()["id"]
        submission_score(submission_id=submission_id)
        return self.client.get(f"/api/v1/submissions/{submission_id}/").json()

    def leaderboard(self, subtask: str, phase: Phase | None = None) -> dict:
        phase = phase or self.dev
        return self.client.get(f"/api/v1/phases/{phase.pk}/leaderboard/?subtask={subtask}").json()


@pytest.fixture
def import_template(make_user, no_broker):
    """import_template(name): `manage.py import_task` on the template, then the cast."""

    def make(name: str) -> Imported:
        call_command("import_task", str(TEMPLATES / name / "task.yaml"), verbosity=0)
        task = SharedTask.objects.get(slug=name)
        organiser = make_user(f"org-{name}", organiser=True)
        task.organisers.add(organiser)
        task.visibility = SharedTask.Visibility.PUBLISHED
        task.save(update_fields=["visibility"])
        participant = make_user(f"pat-{name}")
        team = team_create(name=f"Alpha {name}", captain=participant)
        Registration.objects.create(team=team, task=task, status=Registration.Status.APPROVED)
        client = APIClient()
        client.force_authenticate(participant)
        return Imported(
            name=name,
            task=task,
            dev=task.phases.get(slug="dev"),
            test=task.phases.get(slug="test"),
            client=client,
            organiser=organiser,
            team=team,
        )

    return make


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA
