"""Retries on the wire: connection errors and 5xx are retried, 4xx never, and a retried upload
whose first answer was lost creates one submission (the Idempotency-Key the client sends)."""

from __future__ import annotations

import json
import socket

import pytest

from podium.submissions.models import Submission

from .flaky_proxy import FlakyProxy, Plan

pytestmark = pytest.mark.django_db(transaction=True)
UPLOAD = "POST /api/v1/submissions/"


@pytest.fixture
def via_proxy(logged_in, client_env, monkeypatch):
    """The stored token belongs to the live server's URL; through the proxy it comes from
    PODIUM_TOKEN, as in a CI job."""
    stored = json.loads((client_env / "credentials.json").read_text())
    monkeypatch.setenv("PODIUM_TOKEN", stored["token"])
    return logged_in


def predictions(path):
    labels = ["human", "machine"]
    rows = [{"id": f"x{i}", "label": labels[i % 2]} for i in range(10)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_an_upload_whose_answer_was_lost_is_retried_into_one_submission(
    via_proxy, live_server, tmp_path, no_broker
):
    plan = Plan(lose_answers_to=UPLOAD)
    with FlakyProxy(live_server.url, plan) as proxy:
        result = via_proxy("--url", proxy.url, "submit", "tiny", "a", predictions(tmp_path / "p"))
    assert result.code == 0, result.err
    assert plan.seen.count(UPLOAD) == 2, "the upload went out twice"
    assert Submission.objects.count() == 1, "and made one submission"
    assert no_broker == [Submission.objects.get().pk]


def test_5xx_answers_are_retried_with_back_off(via_proxy, live_server):
    plan = Plan(busy=2)
    with FlakyProxy(live_server.url, plan) as proxy:
        result = via_proxy("--url", proxy.url, "task", "tiny", "--json")
    assert result.code == 0, result.err
    assert result.json()["slug"] == "tiny"
    assert plan.seen == ["GET /api/v1/tasks/tiny/"] * 3


def test_a_server_that_stays_down_ends_with_exit_2(via_proxy, live_server, monkeypatch):
    monkeypatch.setenv("PODIUM_RETRIES", "2")
    plan = Plan(busy=100)
    with FlakyProxy(live_server.url, plan) as proxy:
        result = via_proxy("--url", proxy.url, "tasks")
    assert result.code == 2
    assert "answered 503" in result.err and "after 3 attempt(s)" in result.err
    assert len(plan.seen) == 3


def test_4xx_answers_are_never_retried(via_proxy, live_server, tmp_path, no_broker):
    plan = Plan()
    with FlakyProxy(live_server.url, plan) as proxy:
        result = via_proxy(
            "--url",
            proxy.url,
            "submit",
            "tiny",
            "a",
            predictions(tmp_path / "p"),
            "--phase",
            "test",
        )
    assert result.code == 1 and "has not started yet" in result.err
    assert plan.seen.count(UPLOAD) == 1


def test_a_refused_connection_ends_with_exit_2_and_says_so(podium, monkeypatch):
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PODIUM_TOKEN", "x")
    monkeypatch.setenv("PODIUM_RETRIES", "1")
    result = podium("--url", f"http://127.0.0.1:{port}", "submissions", "tiny")
    assert result.code == 2
    assert f"cannot reach http://127.0.0.1:{port}" in result.err and "2 attempt(s)" in result.err


def test_a_download_that_breaks_off_resumes_where_it_stopped(via_proxy, live_server, tmp_path):
    path = "/api/v1/tasks/tiny/data/a/dev/"
    plan = Plan(cut_answers_to=f"GET {path}", cut_at=900)  # headers and part of the body
    with FlakyProxy(live_server.url, plan) as proxy:
        result = via_proxy(
            "--url", proxy.url, "download", "tiny", "--subtask", "a", "--split", "dev"
        )
    assert result.code == 0, result.err
    assert plan.seen.count(f"GET {path}") == 2
    first, second = (
        r for label, r in zip(plan.seen, plan.ranges, strict=True) if label == f"GET {path}"
    )
    assert first is None and second is not None and second.startswith("bytes=")
    assert int(second.removeprefix("bytes=").rstrip("-")) > 0, "it resumed after what it had"
    assert (
        via_proxy("download", "tiny", "--subtask", "a", "--split", "dev", "-o", "again").code == 0
    )
    assert (tmp_path / "tiny-a-dev.jsonl").read_bytes() == (
        tmp_path / "again" / "tiny-a-dev.jsonl"
    ).read_bytes()
