"""POST /api/v1/submissions/: the happy path, and every refusal with its message and status."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from podium.submissions.models import Submission
from podium.teams.models import Registration

from .conftest import prediction

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"


def upload(client, cast, *, phase=None, subtask="a", file=None, **extra):
    data = {
        "phase": (phase or cast.dev).pk,
        "subtask": subtask,
        "file": file if file is not None else prediction(),
        "method_name": "tf-idf + LR",
        "description": "A baseline of ours.",
        **extra,
    }
    return client.post(URL, data, format="multipart")


def test_a_participant_uploads_and_gets_201_with_the_quota_left(cast, client_for, no_broker):
    content = prediction().read()
    response = upload(client_for(cast.participant), cast, file=prediction(content))
    assert response.status_code == 201, response.json()
    body = response.json()
    submission = Submission.objects.get(pk=body["id"])
    assert body["status"] == "queued" == submission.status
    assert body["sha256"] == hashlib.sha256(content).hexdigest() == submission.sha256
    assert submission.file.read() == content
    assert (body["phase"], body["subtask"]) == (cast.dev.pk, "a")
    assert body["method_name"] == "tf-idf + LR" and body["created_at"]
    assert submission.team == cast.alpha and submission.description == "A baseline of ours."
    # The dev phase allows 5 a day: one is used now.
    assert body["submissions_left_today"] == 4
    assert body["resets_at"].endswith("T00:00:00Z")
    second = upload(client_for(cast.teammate), cast).json()
    assert second["submissions_left_today"] == 3


def test_anonymous_upload_is_401(cast, client_for):
    response = upload(client_for(None), cast)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def assert_refused(response, status: int, code: str, *words: str):
    assert response.status_code == status, response.json()
    body = response.json()
    assert body["code"] == code
    for word in words:
        assert word in body["detail"]
    assert not Submission.objects.exists()


def test_a_user_in_no_registered_team_is_refused(cast, client_for):
    response = upload(client_for(cast.stranger), cast)
    assert_refused(response, 403, "not_registered", "approved registration")


def test_a_team_whose_registration_is_pending_is_refused(cast, client_for):
    Registration.objects.filter(team=cast.alpha).update(status=Registration.Status.PENDING)
    response = upload(client_for(cast.participant), cast)
    assert_refused(response, 403, "not_registered", "approved registration")


def test_a_phase_not_yet_open_refuses(cast, client_for):
    response = upload(client_for(cast.participant), cast, phase=cast.test)
    assert_refused(response, 403, "phase_closed", "has not started yet")


def test_an_ended_phase_refuses(cast, client_for):
    now = timezone.now()
    cast.dev.start, cast.dev.end = now - timedelta(days=3), now - timedelta(days=1)
    cast.dev.save()
    response = upload(client_for(cast.participant), cast)
    assert_refused(response, 403, "phase_closed", "has ended")


def test_a_file_over_the_phase_limit_is_refused_with_413(cast, client_for, isolated_storage):
    cast.dev.max_file_mb = 1
    cast.dev.save()
    big = prediction(b"x" * (3 * 1024 * 1024 // 2))
    response = upload(client_for(cast.participant), cast, file=big)
    assert_refused(response, 413, "too_large", "1.5 MB", "at most 1 MB")
    assert not list((isolated_storage / "media").glob("submissions/**/*.*"))


def test_a_declared_length_far_over_every_limit_is_refused_before_parsing(cast, client_for):
    client = client_for(cast.participant)
    response = client.post(
        URL,
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction()},
        format="multipart",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert_refused(response, 413, "too_large", "accepts files of at most 100 MB")


def test_an_empty_file_is_refused(cast, client_for):
    response = upload(client_for(cast.participant), cast, file=prediction(b""))
    assert_refused(response, 400, "empty_file", "The file is empty.")


def test_a_missing_file_is_refused(cast, client_for):
    client = client_for(cast.participant)
    response = client.post(URL, {"phase": cast.dev.pk, "subtask": "a"}, format="multipart")
    assert_refused(response, 400, "required", "file:")


def test_a_subtask_of_another_task_is_refused(cast, client_for):
    response = upload(client_for(cast.participant), cast, subtask="zz")
    assert_refused(response, 400, "unknown_subtask", "no subtask 'zz'", "its subtasks are: a")


def test_an_unknown_phase_is_refused(cast, client_for):
    response = upload(client_for(cast.participant), cast, phase=type(cast.dev)(pk=9999))
    assert_refused(response, 400, "unknown_phase", "No phase with id 9999")


def test_the_daily_limit_refuses_with_the_limit_and_reset_time(cast, client_for):
    cast.dev.max_per_day = 1
    cast.dev.save()
    client = client_for(cast.participant)
    first = upload(client, cast)
    assert first.status_code == 201 and first.json()["submissions_left_today"] == 0
    response = upload(client, cast)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "limit_reached"
    assert "its 1 submissions for today" in body["detail"]
    assert "resets at" in body["detail"] and "00:00 UTC" in body["detail"]
    assert Submission.objects.count() == 1


def test_the_listing_shows_the_submissions_left_today(cast, client_for):
    client = client_for(cast.participant)
    upload(client, cast)
    body = client.get(URL, {"phase": cast.dev.pk}).json()
    assert body["count"] == 1 and body["submissions_left_today"] == 4
    assert body["resets_at"].endswith("T00:00:00Z") and body["refusal"] == ""


def test_leaving_a_team_gives_neither_a_fresh_quota_nor_a_second_leaderboard_row(cast, client_for):
    """The red-team repro: submit, leave the team (kept, it has results), create another."""
    from podium.teams.services import team_create, team_join, team_leave

    client = client_for(cast.outsider)
    assert upload(client, cast).status_code == 201
    assert team_leave(team=cast.beta, user=cast.outsider) is False  # Beta keeps its results
    fresh = team_create(name="Beta again", captain=cast.outsider)
    Registration.objects.create(team=fresh, task=cast.task, status=Registration.Status.APPROVED)

    refused = upload(client, cast)
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "submitted_with_other_team"
    assert "with the team Beta;" in body["detail"] and "one team only" in body["detail"]
    assert not Submission.objects.filter(team=fresh).exists()
    # The listing says so too, before any upload is tried.
    listing = client.get(URL, {"phase": cast.dev.pk}).json()
    assert "one team only" in listing["refusal"]

    # Back in the team they submitted with, they submit as before, on that team's quota.
    team_leave(team=fresh, user=cast.outsider)
    team_join(code=cast.beta.invite_code, user=cast.outsider)
    assert upload(client, cast).status_code == 201
    assert Submission.objects.filter(team=cast.beta).count() == 2


def test_a_newcomer_to_a_team_submits_with_it(cast, client_for):
    """The rule binds a person's own earlier submissions, not their new team's."""
    from podium.teams.services import team_create

    upload(client_for(cast.participant), cast)
    newcomer = team_create(name="Gamma", captain=cast.stranger)
    Registration.objects.create(team=newcomer, task=cast.task, status=Registration.Status.APPROVED)
    assert upload(client_for(cast.stranger), cast).status_code == 201
