"""GET /tasks/<slug>/data/<subtask>/<split>/: public inputs, stamped with the canary, for approved
participants and organisers only; never gold."""

import json

import pytest
from django.test import Client

from .conftest import GOLD_MARKER

pytestmark = pytest.mark.django_db


def get(user, split="dev", **headers):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/tasks/tiny/data/a/{split}/", **headers)


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    assert GOLD_MARKER not in body
    return [json.loads(line) for line in body.splitlines()]


@pytest.fixture
def gold_is_never_opened(monkeypatch):
    def refuse(self, name, mode="rb"):
        raise AssertionError(f"a download opened the gold file {name}")

    monkeypatch.setattr("podium.storage.GoldStorage._open", refuse)


@pytest.mark.usefixtures("gold_is_never_opened")
@pytest.mark.parametrize("role", ["participant", "teammate", "outsider", "organiser"])
def test_approved_participants_and_organisers_get_the_inputs_with_the_canary(cast, role):
    response = get(getattr(cast, role))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tiny-a-dev.jsonl"'
    rows = rows_of(response)
    assert [r["id"] for r in rows] == [f"x{i}" for i in range(10)]
    assert all(r["canary"] == cast.task.canary for r in rows)
    # Dev inputs carry no labels and no gold columns.
    assert all(set(r) == {"id", "text", "canary"} for r in rows)


@pytest.mark.usefixtures("gold_is_never_opened")
def test_test_inputs_wait_for_the_test_phase_except_for_organisers(cast):
    early = get(cast.participant, "test")
    assert early.status_code == 403 and b"released on" in early.content
    rows = rows_of(get(cast.organiser, "test"))
    # Test gold has labels and a partition column; the inputs have neither.
    assert all("partition" not in r and "label" not in r for r in rows)


@pytest.mark.parametrize("role", ["stranger", "other_organiser"])
def test_users_without_an_approved_team_are_refused(cast, role):
    response = get(getattr(cast, role))
    assert response.status_code == 403
    assert b"approved registration" in response.content


def test_anonymous_browsers_are_sent_to_log_in(cast):
    response = get(None)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/tasks/tiny/data/a/dev/"


def test_scripts_authenticate_with_a_token(cast):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=cast.participant).key
    assert get(None, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    bad = get(None, HTTP_AUTHORIZATION="Token wrong")
    assert bad.status_code == 401 and bad.json()["code"] == "not_authenticated"
    outsider_key = Token.objects.create(user=cast.stranger).key
    refused = get(None, HTTP_AUTHORIZATION=f"Token {outsider_key}")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"


def test_a_draft_tasks_data_is_not_found_for_participants(cast):
    cast.task.visibility = "draft"
    cast.task.save()
    assert get(cast.participant).status_code == 404
    assert get(cast.organiser).status_code == 200


def test_train_inputs_may_carry_their_labels(cast):
    rows = rows_of(get(cast.participant, "train"))
    assert {"id", "text", "label", "canary"} == set(rows[0])


@pytest.mark.usefixtures("gold_is_never_opened")
def test_labels_slipped_into_stored_dev_inputs_are_not_served(cast):
    """Import refuses such a file; a store edited behind the platform's back still leaks nothing."""
    from podium.sharedtasks.models import Dataset

    dataset = Dataset.objects.get(subtask__task=cast.task, split="dev")
    with dataset.inputs.storage.open(dataset.inputs.name, "rb") as handle:
        rows = [json.loads(line) for line in handle]
    with dataset.inputs.storage.open(dataset.inputs.name, "wb") as handle:
        for row in rows:
            handle.write(
                (json.dumps({**row, "label": "human", "partition": "private"}) + "\n").encode()
            )
    served = rows_of(get(cast.participant))
    assert all(set(r) == {"id", "text", "canary"} for r in served)
