"""GET /api/v1/tasks/: enough to build a valid submission from the API alone."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_task_lists_its_subtask_format_scoring_and_phases(cast, client_for):
    body = client_for(None).get("/api/v1/tasks/tiny/").json()
    assert body["slug"] == "tiny" and body["registration_policy"] == "approval"
    (subtask,) = body["subtasks"]
    assert subtask["slug"] == "a"
    assert subtask["format"] == {
        "file_format": "jsonl",
        "separator": None,
        "id_field": "id",
        "value_field": "label",
        "value_type": "label",
        "labels": ["human", "machine"],
        "range": None,
        "description": "JSON lines with id and label (label).",
        "results": None,  # a program-scored subtask's (tests/programs/test_results_format_shown)
    }
    assert subtask["scoring"] == {
        "metrics": ["accuracy", "macro_f1"],
        "primary": "accuracy",
        "direction": "higher",
        "columns": None,
    }
    phases = {p["slug"]: p for p in body["phases"]}
    assert phases["dev"]["id"] == cast.dev.pk and phases["dev"]["is_open"] is True
    assert phases["dev"]["limits"] == {
        "per_day": 5,
        "total": 50,
        "concurrent": 2,
        "max_file_mb": 100,
        "count_failed": False,
        "failed_per_day": 10,
    }
    assert phases["test"]["is_open"] is False
    assert phases["test"]["leaderboard_mode"] == "private_at_end"
    assert phases["test"]["selection"] == "last"


def test_downloads_are_absolute_urls_with_their_release_time(cast, client_for):
    body = client_for(None).get("/api/v1/tasks/tiny/").json()
    downloads = {d["split"]: d for d in body["subtasks"][0]["downloads"]}
    assert set(downloads) == {"train", "dev", "test"}
    assert downloads["dev"]["url"] == "http://testserver/tasks/tiny/data/a/dev/"
    assert downloads["dev"]["rows"] == 10
    assert downloads["train"]["available_from"] is None
    assert downloads["dev"]["available_from"] is None
    # Test inputs are released when the test phase starts.
    assert downloads["test"]["available_from"] is not None


def test_a_script_can_fetch_the_data_with_its_token(cast, client_for):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cast.participant)
    body = client_for(None).get("/api/v1/tasks/tiny/").json()
    url = next(d["url"] for d in body["subtasks"][0]["downloads"] if d["split"] == "dev")
    response = client_for(None).get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tiny-a-dev.jsonl"'


def test_a_csv_subtask_says_its_separator_and_a_numeric_one_its_range(cast, client_for):
    subtask = cast.task.subtasks.get()
    subtask.file_format, subtask.separator = "csv", ";"
    subtask.value_type, subtask.value_min, subtask.value_max = "number", 0.0, 5.0
    subtask.save()
    fmt = client_for(None).get("/api/v1/tasks/tiny/").json()["subtasks"][0]["format"]
    assert fmt["separator"] == ";" and fmt["range"] == [0.0, 5.0] and fmt["labels"] is None


def test_the_openapi_schema_lists_every_route(client_for):
    response = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert paths >= {
        "/api/v1/auth/token/",
        "/api/v1/tasks/",
        "/api/v1/tasks/{slug}/",
        "/api/v1/submissions/",
        "/api/v1/submissions/{id}/",
        "/api/v1/submissions/{id}/file/",
        "/api/v1/phases/{id}/leaderboard/",
        "/api/v1/phases/{id}/reveal/",
    }
