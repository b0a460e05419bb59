"""Baselines in the platform: started from the admin or the shell, trained, submitted as
baseline rows through the normal scoring pipeline, and shown on the leaderboards."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from podium.baselineruns.models import BaselineRun
from podium.baselineruns.services import baseline_execute, baseline_start, text_fields
from podium.celery import app
from podium.leaderboards.selectors import leaderboard
from podium.submissions.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_queues(monkeypatch):
    sent = {"scoring": [], "gpu": []}
    monkeypatch.setattr(
        "podium.submissions.enqueue.submission_enqueue",
        lambda *, submission_id: sent["scoring"].append(submission_id) or True,
    )
    monkeypatch.setattr(
        "podium.baselineruns.enqueue.baseline_enqueue", lambda *, run_id: sent["gpu"].append(run_id)
    )
    return sent


def test_run_baseline_from_the_shell_lands_on_both_leaderboards_as_a_marked_row(cast):
    out = StringIO()
    call_command("run_baseline", "tiny", "a", "tfidf-lr", stdout=out)
    run = BaselineRun.objects.get()
    assert run.status == "done" and "accuracy" in run.dev_scores
    assert run.progress.get("stage") == "done"
    submissions = {s.phase.slug: s for s in run.submissions.all()}
    assert set(submissions) == {"dev", "test"}
    for submission in submissions.values():
        assert submission.is_baseline and submission.team is None and submission.status == "scored"
    board = leaderboard(
        phase=cast.dev, subtask=cast.subtask, partition="public", viewer=cast.participant
    )
    (row,) = board.rows
    assert row.is_baseline and row.team.startswith("Baseline") and row.rank == 1
    assert "submission #" in out.getvalue() and "scored" in out.getvalue()


def test_baselines_do_not_use_up_any_team_quota(cast):
    call_command("run_baseline", "tiny", "a", "tfidf-lr", stdout=StringIO())
    from podium.submissions.quotas import team_quota

    assert team_quota(team=cast.team, phase=cast.dev).used_today == 0


def test_an_unknown_subtask_or_method_is_refused_with_a_message(cast):
    with pytest.raises(CommandError, match="no subtask 'z'"):
        call_command("run_baseline", "tiny", "z", "tfidf-lr")
    with pytest.raises(CommandError, match="Unknown method 'magic'"):
        call_command("run_baseline", "tiny", "a", "magic")


def test_a_failing_baseline_fails_with_its_reason_in_the_log(cast):
    run = baseline_start(
        subtask=cast.subtask, method="transformer", by=cast.organiser,
        params={"no_such_param": 1}, enqueue=False,
    )  # fmt: skip
    assert baseline_execute(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert "no_such_param" in run.log
    assert not Submission.objects.exists()


def test_the_training_child_is_started_to_die_with_its_worker(cast, monkeypatch):
    """A SIGKILLed worker must not leave its training process running (on the GPU): the child
    is started with killed_with_parent (tests/sandbox/test_child_dies_with_worker.py)."""
    from podium.baselineruns import services

    started = []
    real = services.run_captured

    def recording(argv, **kwargs):
        started.append(kwargs["preexec_fn"])
        return real(argv, **kwargs)

    monkeypatch.setattr(services, "run_captured", recording)
    run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser, enqueue=False)
    assert baseline_execute(run_id=run.pk) == "done"
    assert len(started) == 1 and "killed_with_parent" in started[0].__qualname__


def test_a_run_is_executed_once_even_if_delivered_twice(cast):
    run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser, enqueue=False)
    assert baseline_execute(run_id=run.pk) == "done"
    assert baseline_execute(run_id=run.pk) is None
    assert Submission.objects.filter(is_baseline=True).count() == 2


def test_the_organiser_starts_a_baseline_in_the_admin_and_it_goes_to_the_gpu_queue(
    cast, client, no_queues, django_capture_on_commit_callbacks
):
    client.force_login(cast.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:baselineruns_baselinerun_add"),
            {"subtask": cast.subtask.pk, "method": "tfidf-svm", "params": "{}", "seed": 3},
        )
    assert response.status_code == 302
    run = BaselineRun.objects.get()
    assert (run.method, run.seed, run.status, run.created_by) == (
        "tfidf-svm",
        3,
        "queued",
        cast.organiser,
    )
    assert no_queues["gpu"] == [run.pk]
    assert app.amqp.router.route({}, "podium.baselines.run")["queue"].name == "gpu"
    page = client.get(reverse("admin:baselineruns_baselinerun_change", args=[run.pk]))
    assert page.status_code == 200 and "queued" in page.content.decode()


def test_an_organiser_cannot_start_a_baseline_on_another_organisers_subtask(
    cast, client, make_user
):
    stranger = make_user("someone", organiser=True)
    client.force_login(stranger)
    form = client.get(reverse("admin:baselineruns_baselinerun_add")).content.decode()
    assert f'value="{cast.subtask.pk}"' not in form
    client.post(
        reverse("admin:baselineruns_baselinerun_add"),
        {"subtask": cast.subtask.pk, "method": "tfidf-lr", "params": "{}", "seed": 0},
    )
    assert not BaselineRun.objects.exists()


def test_the_text_fields_are_the_string_inputs_other_than_id_label_and_groups(cast, tmp_path):
    path = tmp_path / "train.jsonl"
    row = {
        "id": "1",
        "sentence1": "a",
        "sentence2": "b",
        "label": "human",
        "language": "en",
        "n": 3,
    }
    path.write_text(json.dumps(row) + "\n")
    assert text_fields(cast.subtask, path) == ["sentence1", "sentence2"]


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_baseline_run_through_the_queue_lands_on_the_leaderboard(cast, monkeypatch):
    """A real worker on the gpu and scoring queues trains, submits and scores the baseline."""
    from tests.submissions.workers import RedisServer, Worker, storage_roots, use_broker, wait_for

    monkeypatch.undo()  # real enqueueing, for both the baseline run and the scoring jobs
    redis = RedisServer()
    redis.start()
    original = app.conf.broker_url
    use_broker(redis.url)
    media, gold = storage_roots()
    worker = Worker(redis.url, media_root=media, gold_root=gold, queues="gpu,scoring").start()
    try:
        from django.db import transaction

        with transaction.atomic():
            run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser)
        wait_for(
            lambda: Submission.objects.filter(is_baseline=True, status="scored").count() == 2,
            what="the baseline's submissions to be scored", worker=worker, timeout=120,
        )  # fmt: skip
        run.refresh_from_db()
        assert run.status == "done"
        board = leaderboard(
            phase=cast.dev, subtask=cast.subtask, partition="public", viewer=cast.participant
        )
        assert [row.is_baseline for row in board.rows] == [True]
    finally:
        worker.stop()
        use_broker(original)
        redis.stop()
