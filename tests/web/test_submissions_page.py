"""The team's submissions page: status, the scores the viewer may see, the error."""

import pytest
from django.test import Client

from podium.submissions.models import Submission

from .conftest import make_scored

pytestmark = pytest.mark.django_db

URL = "/tasks/tiny/submissions/"


def page_of(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_lists_the_teams_submissions_with_public_scores_and_errors(cast):
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.875)
    failed = make_scored(cast, team=cast.alpha, phase=cast.dev)
    Submission.objects.filter(pk=failed.pk).update(status="failed", error="line 3: bad label")
    page = page_of(cast.teammate)
    assert (
        "accuracy <strong>0.8750</strong>" in page
        and "line 3: bad label" in page
        and "Failed" in page
    )
    assert "organiser-only" not in page


def test_other_teams_submissions_are_not_listed(cast):
    make_scored(cast, team=cast.alpha, phase=cast.dev, value=0.875)
    page = page_of(cast.outsider)
    assert "No submissions yet." in page and "0.8750" not in page


def test_private_scores_are_not_on_the_page_before_the_reveal(cast):
    make_scored(cast, team=cast.alpha, phase=cast.test, value=0.5, private=0.616161)
    page = page_of(cast.participant)
    assert "public part:</span> accuracy <strong>0.5000</strong>" in page and "0.6162" not in page
    assert "shown once the private leaderboard is revealed" in page


def test_a_file_no_longer_stored_is_not_found_not_a_server_error(cast):
    submission = make_scored(cast, team=cast.alpha, phase=cast.dev)
    submission.file.storage.delete(submission.file.name)
    client = Client()
    client.force_login(cast.participant)
    response = client.get(f"/tasks/tiny/submissions/{submission.pk}/file/")
    assert response.status_code == 404
