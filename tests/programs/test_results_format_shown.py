"""A program-scored subtask tells participants what to upload (a zip of result files for res/
or a single file), the limits and the declared columns; not the built-in format it stores as a
placeholder."""

import pytest
from podium_client.commands.tasks import format_text
from rest_framework.test import APIClient

from podium.programs.results import Column
from podium.programs.services import program_scoring_set

pytestmark = pytest.mark.django_db


def subtask_json(user=None) -> dict:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get("/api/v1/tasks/tiny/").json()["subtasks"][0]


def test_the_api_describes_results_and_columns(cast):
    program_scoring_set(
        subtask=cast.subtask, program=cast.program, results_filename="predictions.txt",
        columns=[
            Column(key="accuracy", title="Accuracy", primary=True, precision=3),
            Column(key="mae", title="MAE", direction="lower"),
            Column(key="n", hidden=True),
        ],
    )  # fmt: skip
    body = subtask_json(cast.participant)
    fmt = body["format"]
    assert fmt["file_format"] == "results"
    # The stored placeholders (jsonl, id, label, the label set) are not published.
    assert [fmt[k] for k in ("id_field", "value_field", "value_type", "labels", "range")] == [
        None
    ] * 5
    assert fmt["results"] == {
        "folder": "res/",
        "single_file_name": "predictions.txt",
        "max_files": 2000,
        "max_unpacked_mb": 200,
    }
    assert fmt["description"].startswith("A zip of result files (unpacked into res/")
    assert "a single file, placed in res/ as predictions.txt" in fmt["description"]
    assert body["scoring"]["columns"] == [
        {"key": "accuracy", "title": "Accuracy", "direction": "higher", "precision": 3,
         "primary": True},
        {"key": "mae", "title": "MAE", "direction": "lower", "precision": 4, "primary": False},
    ]  # fmt: skip
    assert "predictions.txt" in format_text(fmt), "the CLI's `podium tasks` shows it too"


def test_without_a_results_filename_the_file_keeps_its_name(cast):
    fmt = subtask_json()["format"]
    assert fmt["results"]["single_file_name"] is None
    assert "a single file, placed in res/ under its own name" in fmt["description"]


def test_the_task_page_shows_the_results_format(cast, client):
    cast.dev.max_file_mb = 7
    cast.dev.save()
    page = client.get("/tasks/tiny/").content.decode()
    assert "Submit a zip of result files (unpacked into <code>res/</code>" in page
    assert "under its own name" in page
    assert "at most 2000 files and 200 MB unpacked" in page
    assert "7 MB in" in page
    assert (
        "Ranked by <strong>Accuracy</strong> (higher is better); also n (higher is better)" in page
    )
    assert "Submit JSON lines with <code>id</code>" not in page


def test_a_built_in_subtask_keeps_its_format(cast):
    cast.subtask.program_scoring.delete()
    body = subtask_json()
    fmt = body["format"]
    assert (fmt["file_format"], fmt["id_field"], fmt["value_field"]) == ("jsonl", "id", "label")
    assert fmt["results"] is None and body["scoring"]["columns"] is None
    assert fmt["description"] == "JSON lines with id and label (label)."


def test_the_schema_documents_the_results_format(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert {"description", "results"} <= set(schema["Format"]["properties"])
    assert set(schema["Results"]["properties"]) == {
        "folder", "single_file_name", "max_files", "max_unpacked_mb",
    }  # fmt: skip
    assert "columns" in schema["Scoring"]["properties"]
    assert "results" in schema["Format"]["properties"]["file_format"]["description"]
