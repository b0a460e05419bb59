"""Idempotency-Key on POST /api/v1/submissions/: one submission per key, whatever the retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from podium.api.idempotency import idempotency_keys_expire
from podium.api.jobs import EXPIRE_KEYS_JOB, expire_idempotency_keys
from podium.api.models import IdempotencyKey
from podium.submissions.models import Submission

from .conftest import prediction

pytestmark = pytest.mark.django_db


def upload(client, cast, *, key=None, content=None, method="m"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        "/api/v1/submissions/",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction(content), "method_name": method},
        format="multipart",
        **headers,
    )


def test_the_same_key_twice_answers_the_first_submission_again(
    cast, client_for, quiet_broker, django_capture_on_commit_callbacks
):
    client = client_for(cast.participant)
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, cast, key="k-1")
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(client, cast, key="k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Submission.objects.count() == 1 and quiet_broker == [first.json()["id"]]


def test_without_a_key_each_upload_is_a_submission(cast, client_for):
    client = client_for(cast.participant)
    assert upload(client, cast).status_code == upload(client, cast).status_code == 201
    assert Submission.objects.count() == 2


def test_the_same_key_with_another_file_is_refused(cast, client_for):
    client = client_for(cast.participant)
    assert upload(client, cast, key="k-1").status_code == 201
    other = upload(client, cast, key="k-1", content=b'{"id": "x0", "label": "human"}\n')
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert upload(client, cast, key="k-1", method="another").status_code == 422
    assert Submission.objects.count() == 1


def test_keys_belong_to_their_user(cast, client_for):
    assert upload(client_for(cast.participant), cast, key="shared").status_code == 201
    rival = upload(client_for(cast.outsider), cast, key="shared")
    assert rival.status_code == 201
    assert Submission.objects.count() == 2
    assert {s.team for s in Submission.objects.all()} == {cast.alpha, cast.beta}


def test_a_refused_upload_keeps_no_key_and_changes_nothing(cast, client_for):
    client = client_for(cast.participant)
    cast.dev.max_per_day = 0
    cast.dev.save()
    refused = upload(client, cast, key="k-1")
    assert refused.status_code == 429
    assert not IdempotencyKey.objects.exists() and not Submission.objects.exists()
    cast.dev.max_per_day = 5
    cast.dev.save()
    assert upload(client, cast, key="k-1").status_code == 201


@pytest.mark.parametrize("key", ["", "a" * 256, "has space", "é"])
def test_a_malformed_key_is_refused(cast, client_for, key):
    response = upload(client_for(cast.participant), cast, key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert not Submission.objects.exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_submission(cast, quiet_broker):
    """Two requests with one key at the same moment (PostgreSQL): the second waits on the key's
    unique index, then replays the first's answer."""
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.participant)
    barrier = threading.Barrier(4)
    answers = []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        barrier.wait()
        try:
            answers.append(upload(client, cast, key="same-key"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 3
    assert Submission.objects.count() == 1 and IdempotencyKey.objects.count() == 1


def age(key: str, hours: float) -> None:
    """Make the key `hours` old (created_at is auto_now_add: only an update moves it)."""
    then = timezone.now() - timedelta(hours=hours)
    assert IdempotencyKey.objects.filter(key=key).update(created_at=then) == 1


def test_an_expired_key_counts_as_a_new_one(cast, client_for, settings):
    settings.PODIUM_IDEMPOTENCY_KEY_HOURS = 24
    cast.dev.max_per_day = cast.dev.max_concurrent = 10
    cast.dev.save()
    client = client_for(cast.participant)
    first = upload(client, cast, key="k-1")
    age("k-1", 23.5)
    within = upload(client, cast, key="k-1")
    assert within.headers["Idempotent-Replayed"] == "true"
    assert within.json()["id"] == first.json()["id"]
    age("k-1", 24.5)
    # The same upload again creates a second submission, as with a new key ...
    again = upload(client, cast, key="k-1")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    # ... and so does another upload, which a live key refuses with 422.
    age("k-1", 25)
    other = upload(client, cast, key="k-1", content=b'{"id": "x0", "label": "human"}\n')
    assert other.status_code == 201 and other.json()["id"] != again.json()["id"]
    assert Submission.objects.count() == 3
    # The key now remembers the newest request, from now on.
    stored = IdempotencyKey.objects.get(key="k-1")
    assert stored.submission_id == other.json()["id"]
    replay = upload(client, cast, key="k-1", content=b'{"id": "x0", "label": "human"}\n')
    assert replay.headers["Idempotent-Replayed"] == "true"


def test_the_sweep_removes_expired_keys_and_keeps_live_ones_and_submissions(
    cast, client_for, settings
):
    settings.PODIUM_IDEMPOTENCY_KEY_HOURS = 2
    client = client_for(cast.participant)
    for key in ("old", "young"):
        assert upload(client, cast, key=key, method=key).status_code == 201
    age("old", 2.5)
    age("young", 1.5)
    assert expire_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]
    assert Submission.objects.count() == 2  # a key's submission outlives it
    assert idempotency_keys_expire(now=timezone.now() + timedelta(hours=1)) == 1
    assert not IdempotencyKey.objects.exists()


def test_beat_runs_the_sweep_and_a_worker_knows_the_job():
    from django.conf import settings

    from podium.celery import app

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == EXPIRE_KEYS_JOB]
    assert len(entries) == 1 and entries[0]["schedule"] <= 3600
    assert app.tasks[EXPIRE_KEYS_JOB].run is expire_idempotency_keys.run
