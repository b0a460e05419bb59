"""Organisers download the files of their own tasks' submissions from the admin; nobody else."""

import pytest
from django.urls import reverse

from podium.submissions.models import Submission
from podium.submissions.uploads import submission_create

from .conftest import predictions, upload

pytestmark = pytest.mark.django_db

CONTENT = predictions()


@pytest.fixture
def submission(cast, no_broker):
    return submission_create(
        user=cast.participant, phase=cast.dev, subtask=cast.subtask, upload=upload(CONTENT)
    )


def file_url(submission: Submission) -> str:
    return reverse("admin:submissions_submission_file", args=[submission.pk])


def test_the_change_page_links_to_a_download_that_works(client, cast, submission):
    client.force_login(cast.organiser)
    page = client.get(reverse("admin:submissions_submission_change", args=[submission.pk]))
    assert page.status_code == 200
    assert f'href="{file_url(submission)}"' in page.content.decode()
    response = client.get(file_url(submission))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert "attachment" in response["Content-Disposition"]


def test_baseline_files_download_too(client, cast, submission):
    Submission.objects.filter(pk=submission.pk).update(team=None, is_baseline=True)
    client.force_login(cast.organiser)
    assert client.get(file_url(submission)).status_code == 200


def test_another_tasks_organiser_gets_not_found(client, cast, submission):
    client.force_login(cast.other_organiser)
    response = client.get(file_url(submission))
    assert response.status_code == 404
    assert b"human" not in response.content
    change = reverse("admin:submissions_submission_change", args=[submission.pk])
    assert b"human" not in client.get(change, follow=True).content


@pytest.mark.parametrize("who", ["participant", "teammate", "outsider"])
def test_participants_are_sent_to_the_admin_login(client, cast, submission, who):
    """Even the submitting team: its own download is on the site, not in the admin."""
    client.force_login(getattr(cast, who))
    response = client.get(file_url(submission))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_missing_file_is_not_found_not_an_error(client, cast, submission):
    submission.file.storage.delete(submission.file.name)
    client.force_login(cast.organiser)
    assert client.get(file_url(submission)).status_code == 404


def test_a_superuser_downloads_any_submission(client, cast, submission, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert client.get(file_url(submission)).status_code == 200
