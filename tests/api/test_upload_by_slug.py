"""POST /api/v1/submissions/ names the phase by the task's and the phase's slugs as well as by
id, so a script (and the README's example) needs no id looked up from another task."""

import pytest

from podium.sharedtasks.models import SharedTask
from podium.submissions.models import Submission

from .conftest import prediction

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"


def post(client, **data):
    return client.post(URL, {"subtask": "a", "file": prediction(), **data}, format="multipart")


def refused(response, code: str, text: str):
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code and text in response.json()["detail"]
    assert Submission.objects.count() == 0


def test_a_phase_named_by_task_and_phase_slug_is_the_one_uploaded_to(cast, client_for):
    response = post(client_for(cast.participant), task="tiny", phase="dev")
    assert response.status_code == 201, response.json()
    assert Submission.objects.get(pk=response.json()["id"]).phase == cast.dev


def test_an_id_still_works_and_with_task_it_must_belong_to_that_task(cast, client_for):
    client = client_for(cast.participant)
    assert post(client, phase=str(cast.dev.pk)).status_code == 201
    Submission.objects.all().delete()
    SharedTask.objects.get(slug="other").phases.create(
        slug="dev", name="Dev", split="dev", start=cast.dev.start, end=cast.dev.end
    )
    refused(post(client, task="other", phase=str(cast.dev.pk)), "unknown_phase", "no phase")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"task": "tiny", "phase": "nope"}, "The task 'tiny' has no phase 'nope'"),
        ({"task": "ghost", "phase": "dev"}, "The task 'ghost' has no phase 'dev'"),
        ({"phase": "dev"}, "is not a phase id; to name a phase by its slug, send task too"),
        ({"phase": "9" * 40}, "is not a phase id"),
        ({"task": "tiny", "phase": "9" * 40}, "has no phase"),
    ],
)
def test_a_phase_that_cannot_be_found_is_refused_with_a_message(cast, client_for, data, text):
    refused(post(client_for(cast.participant), **data), "unknown_phase", text)


def test_a_draft_task_phase_stays_hidden_by_slug(cast, client_for):
    SharedTask.objects.filter(slug="tiny").update(visibility="draft")
    refused(post(client_for(cast.participant), task="tiny", phase="dev"), "unknown_phase", "tiny")
