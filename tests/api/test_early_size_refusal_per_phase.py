"""The size check before parsing is bounded by the target phase's own limit, not by the most
generous phase of the site (which would let large bodies reach every task's upload view)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from podium.sharedtasks.models import Phase, SharedTask
from podium.submissions.models import Submission

from .conftest import prediction

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BODY = str(120 * MB)  # over the tiny task's 100 MB, under the generous task's 150 MB


@pytest.fixture
def generous_phase(cast):
    """Another organiser's open phase that accepts 150 MB files."""
    now = timezone.now()
    return Phase.objects.create(
        task=SharedTask.objects.get(slug="other"),
        slug="big",
        name="Big files",
        start=now - timedelta(days=1),
        end=now + timedelta(days=1),
        max_file_mb=150,
    )


def test_the_web_form_of_a_task_refuses_past_its_own_phases_limit(cast, generous_phase):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.participant)
    client.get("/tasks/tiny/submit/")
    response = client.post(
        "/tasks/tiny/submit/",
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "file": prediction()},
        CONTENT_LENGTH=BODY,
    )
    assert response.status_code == 413
    assert f"the phase {cast.dev.name!r} accepts files of at most 100 MB" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert not Submission.objects.exists()


def test_the_api_refuses_past_the_limit_of_the_phase_in_the_query(cast, client_for, generous_phase):
    response = client_for(cast.participant).post(
        f"/api/v1/submissions/?phase={cast.dev.pk}",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction()},
        format="multipart",
        CONTENT_LENGTH=BODY,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "accepts files of at most 100 MB" in response.json()["detail"]


def test_a_closed_phase_with_a_huge_limit_widens_nothing(cast, client_for):
    Phase.objects.create(
        task=SharedTask.objects.get(slug="other"),
        slug="old",
        name="Old",
        start=timezone.now() - timedelta(days=9),
        end=timezone.now() - timedelta(days=8),
        max_file_mb=500,
    )
    response = client_for(cast.participant).post(
        "/api/v1/submissions/",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction()},
        format="multipart",
        CONTENT_LENGTH=BODY,
    )
    assert response.status_code == 413
    assert "accepts files of at most 100 MB" in response.json()["detail"]
