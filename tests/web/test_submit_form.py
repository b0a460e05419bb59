"""The plain upload form: participants submit, the service's refusals are shown, and the
anonymous are sent to log in."""

import pytest
from django.test import Client

from podium.submissions.models import Submission

from .conftest import prediction

pytestmark = pytest.mark.django_db

URL = "/tasks/tiny/submit/"


def logged_in(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post_form(client: Client, cast, **overrides):
    client.get(URL)  # sets the CSRF cookie, as a browser would
    data = {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "phase": cast.dev.pk,
        "subtask": "a",
        "file": prediction(),
        "method_name": "my method",
        "description": "",
        **overrides,
    }
    return client.post(URL, data)


def test_the_form_shows_open_phases_and_the_submissions_left_today(cast):
    page = logged_in(cast.participant).get(URL).content.decode()
    assert "Submissions left today: 5 (resets at 00:00 UTC" in page
    assert f'<option value="{cast.dev.pk}"' in page
    assert f'<option value="{cast.test.pk}"' not in page  # not open yet


def test_a_participant_submits_and_lands_on_the_submissions_page(cast):
    client = logged_in(cast.participant)
    response = post_form(client, cast)
    assert response.status_code == 302 and response["Location"] == "/tasks/tiny/submissions/"
    submission = Submission.objects.get()
    assert submission.team == cast.alpha and submission.method_name == "my method"
    page = client.get(response["Location"]).content.decode()
    assert f"Submission #{submission.pk} received" in page
    assert "my method" in page and "Queued" in page
    assert "Submissions left today: 4" in page


def test_an_outsider_sees_the_services_refusal(cast):
    response = post_form(logged_in(cast.stranger), cast)
    assert response.status_code == 403
    assert "You are not in a team with an approved registration for this task." in (
        response.content.decode()
    )
    assert not Submission.objects.exists()


def test_the_daily_limit_message_names_the_reset_time(cast):
    cast.dev.max_per_day = 0
    cast.dev.save()
    response = post_form(logged_in(cast.participant), cast)
    assert response.status_code == 429
    assert "The count resets at" in response.content.decode()


def test_a_post_without_the_csrf_token_is_refused(cast):
    client = logged_in(cast.participant)
    response = client.post(URL, {"phase": cast.dev.pk, "subtask": "a", "file": prediction()})
    assert response.status_code == 403 and not Submission.objects.exists()


def test_an_upload_far_over_every_limit_is_refused_from_its_length(cast):
    client = logged_in(cast.participant)
    client.get(URL)
    response = client.post(
        URL,
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "file": prediction()},
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "accepts files of at most 100 MB" in response.content.decode()


@pytest.mark.parametrize("url", [URL, "/tasks/tiny/submissions/"])
def test_anonymous_visitors_are_sent_to_log_in(cast, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_draft_task_has_no_form_for_participants(cast):
    cast.task.visibility = "draft"
    cast.task.save()
    assert logged_in(cast.participant).get(URL).status_code == 404
    assert logged_in(cast.organiser).get(URL).status_code == 200


def test_the_progress_bar_script_gets_json_with_the_page_to_go_to(cast):
    """upload.js posts with X-Podium-Upload and follows the answer itself, so the "received"
    message is still there on the submissions page it then loads."""
    client = logged_in(cast.participant)
    client.get(URL)
    data = {
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        "phase": cast.dev.pk,
        "subtask": "a",
        "file": prediction(),
    }
    response = client.post(URL, data, HTTP_X_PODIUM_UPLOAD="1")
    submission = Submission.objects.get()
    assert response.json() == {"redirect": "/tasks/tiny/submissions/", "submission": submission.pk}
    assert f"Submission #{submission.pk} received" in client.get(URL).content.decode()


def test_the_page_has_a_progress_bar_and_works_as_a_plain_form(cast):
    page = logged_in(cast.participant).get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in page and "<progress" in page
    assert "/static/web/upload.js" in page and "https://" not in page  # no CDN
