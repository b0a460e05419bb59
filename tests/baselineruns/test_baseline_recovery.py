"""Baseline runs recover from a dead worker, and train in a child with a clean environment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from podium.baselineruns import services
from podium.baselineruns.models import BaselineRun
from podium.baselineruns.services import (
    HEARTBEAT_LOST,
    baseline_claim,
    baseline_execute,
    baseline_start,
    child_env,
)
from podium.baselineruns.sweeper import baselines_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def gpu_queue(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(
        "podium.baselineruns.enqueue.baseline_enqueue",
        lambda *, run_id: sent.append(run_id) or True,
    )
    monkeypatch.setattr("podium.baselineruns.sweeper.queue_empty", lambda queue: False)
    return sent


def running_run(cast, *, silent_for: timedelta) -> BaselineRun:
    run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser, enqueue=False)
    assert baseline_claim(run_id=run.pk) == 1
    beat = timezone.now() - silent_for
    BaselineRun.objects.filter(pk=run.pk).update(started_at=beat, heartbeat_at=beat)
    return run


def test_a_run_whose_worker_died_is_queued_and_sent_again(cast, gpu_queue):
    run = running_run(cast, silent_for=HEARTBEAT_LOST * 2)
    assert baselines_sweep()["revived"] == 1
    run.refresh_from_db()
    assert run.status == "queued" and "worker failure" in run.progress["stage"]
    assert gpu_queue == [run.pk]
    # The next delivery trains it to the end, as a second attempt.
    assert baseline_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert run.attempts == 2 and run.submissions.count() == 2


def test_a_run_that_still_beats_is_left_alone_even_when_redelivered(cast, gpu_queue):
    run = running_run(cast, silent_for=HEARTBEAT_LOST / 3)
    assert baselines_sweep()["revived"] == 0
    # Redis hands a message back after its visibility timeout, which training can outlast.
    assert baseline_execute(run_id=run.pk) is None
    assert BaselineRun.objects.get(pk=run.pk).status == "running"


def test_a_silent_run_is_taken_over_by_its_next_delivery(cast, gpu_queue):
    run = running_run(cast, silent_for=HEARTBEAT_LOST * 2)
    assert baseline_claim(run_id=run.pk) == 2


def test_a_run_that_kills_its_worker_every_time_is_given_up(cast, gpu_queue, settings):
    settings.PODIUM_BASELINE_MAX_ATTEMPTS = 1
    run = running_run(cast, silent_for=HEARTBEAT_LOST * 2)
    assert baselines_sweep()["given_up"] == 1
    run.refresh_from_db()
    assert run.status == "failed" and "worker died" in run.log
    assert gpu_queue == []


def test_a_queued_run_whose_message_was_lost_is_sent_again(cast, gpu_queue, monkeypatch):
    run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser, enqueue=False)
    BaselineRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert baselines_sweep()["resent"] == 0  # the gpu queue holds messages: it may be waiting
    monkeypatch.setattr("podium.baselineruns.sweeper.queue_empty", lambda queue: True)
    assert baselines_sweep()["resent"] == 1 and gpu_queue == [run.pk]


def test_the_training_child_gets_a_clean_environment(cast, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "worker-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@db/podium")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://:password@broker/0")
    seen = {}
    real = services.run_captured

    def recording(argv, *, env, **options):
        seen.update(env)
        return real(argv, env=env, **options)

    monkeypatch.setattr(services, "run_captured", recording)
    run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser, enqueue=False)
    assert baseline_execute(run_id=run.pk) == "done"
    assert seen == child_env()
    assert not {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} & set(seen)
    assert BaselineRun.objects.get(pk=run.pk).progress.get("stage") == "done"
