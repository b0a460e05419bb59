"""Idempotency-Key on POST /api/v1/submissions/: one submission per key, whatever the retries."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

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
