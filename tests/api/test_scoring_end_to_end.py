"""Upload through the API, score for real (the scorer CLI in the sandbox), read the result back."""

import importlib.util
import json

import pytest

from podium.sandbox import sandbox_available
from podium.submissions.scoring import submission_score

from .conftest import GOLD_MARKER, prediction

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        importlib.util.find_spec("scorers.__main__") is None, reason="scorers CLI not there yet"
    ),
    pytest.mark.skipif(not sandbox_available(), reason="bubblewrap cannot run here"),
]


def submit(client, cast, content: bytes) -> int:
    response = client.post(
        "/api/v1/submissions/",
        {"phase": cast.dev.pk, "subtask": "a", "file": prediction(content)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_scored_upload_shows_its_scores_and_ranks(cast, client_for):
    client = client_for(cast.participant)
    submission_id = submit(client, cast, prediction().read())
    assert submission_score(submission_id=submission_id) == "scored"
    body = client.get(f"/api/v1/submissions/{submission_id}/").json()
    assert body["status"] == "scored" and body["error"] == ""
    assert body["scores"]["all"]["overall"]["accuracy"] == 1.0
    assert "en" in body["scores"]["all"]["groups"]["language"]
    board = client.get(f"/api/v1/phases/{cast.dev.pk}/leaderboard/").json()
    assert board["rows"][0]["team"] == "Alpha" and board["rows"][0]["primary"] == 1.0


def test_an_invalid_file_fails_with_a_participant_safe_error(cast, client_for):
    client = client_for(cast.participant)
    rows = [{"id": f"x{i}", "label": "robot"} for i in range(10)]
    submission_id = submit(client, cast, "".join(json.dumps(r) + "\n" for r in rows).encode())
    assert submission_score(submission_id=submission_id) == "failed"
    response = client.get(f"/api/v1/submissions/{submission_id}/")
    body = response.json()
    assert body["status"] == "failed" and "line 1" in body["error"]
    assert body["scores"] == {} and "log" not in body
    assert GOLD_MARKER not in response.content.decode()
