"""Against real PostgreSQL and Redis: races, duplicate delivery, a killed worker, a stopped broker.

Each test commits its data (transactional_db) so that worker processes see it.
"""

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from podium.celery import app
from podium.submissions.models import Score, Submission
from podium.submissions.sweeper import submissions_sweep
from podium.submissions.tasks import score_submission
from podium.submissions.uploads import SubmissionRefused, submission_create

from .conftest import upload
from .workers import RedisServer, Worker, storage_roots, use_broker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis():
    server = RedisServer()
    server.start()
    original = app.conf.broker_url
    use_broker(server.url)
    yield server
    use_broker(original)
    server.stop()


@pytest.fixture
def workers(redis):
    started: list[Worker] = []

    def start(**env) -> Worker:
        media, gold = storage_roots()
        worker = Worker(redis.url, media_root=media, gold_root=gold, **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def status_of(pk):
    return Submission.objects.get(pk=pk).status


def test_twenty_simultaneous_uploads_against_a_limit_of_five(cast, monkeypatch):
    monkeypatch.setattr(
        "podium.submissions.enqueue.submission_enqueue", lambda *, submission_id: True
    )
    cast.dev.max_per_day, cast.dev.max_concurrent, cast.dev.max_total = 5, None, None
    cast.dev.save()
    barrier = threading.Barrier(20)
    accepted, refused = [], []

    def one_upload():
        try:
            barrier.wait()
            accepted.append(
                submission_create(
                    user=cast.participant, phase=cast.dev, subtask=cast.subtask, upload=upload()
                )
            )
        except SubmissionRefused as exc:
            refused.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=one_upload) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(accepted) == 5 and len(refused) == 15
    assert all(
        "5 submissions for today" in message and "resets at" in message for message in refused
    )
    assert Submission.objects.filter(team=cast.team).count() == 5


def test_a_job_delivered_twice_scores_once(cast, workers, monkeypatch):
    monkeypatch.setattr(
        "podium.submissions.enqueue.submission_enqueue", lambda *, submission_id: True
    )
    submission = submission_create(
        user=cast.participant, phase=cast.dev, subtask=cast.subtask, upload=upload()
    )
    score_submission.delay(submission.pk)
    score_submission.delay(submission.pk)
    worker = workers()
    wait_for(lambda: status_of(submission.pk) == "scored", what="scoring", worker=worker)
    wait_for(
        lambda: "succeeded" in worker.output() and worker.output().count("succeeded") >= 2,
        what="both deliveries handled",
        worker=worker,
    )
    submission.refresh_from_db()
    assert submission.attempts == 1
    assert (
        Score.objects.filter(submission=submission, metric="accuracy", group_field="").count() == 1
    )


def sweeping_until(condition, *, every: float = 2.0):
    """What beat does: sweep every few seconds until `condition()` holds."""
    last = [0.0]

    def check():
        if condition():
            return True
        if time.monotonic() - last[0] >= every:
            last[0] = time.monotonic()
            submissions_sweep()
        return False

    return check


def pool_children(worker: Worker) -> list[int]:
    """The worker's pool processes (Linux: the kernel lists a process's children)."""
    pid = worker.process.pid
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_worker_killed_mid_job_is_taken_over_and_scored_after_restart(
    cast, workers, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(
            user=cast.participant, phase=cast.dev, subtask=cast.subtask, upload=upload()
        )
    hanging = workers(PODIUM_SCORER_MODULE="slowscorer")
    wait_for(lambda: status_of(submission.pk) == "running", what="the run to start", worker=hanging)

    # The pool process dies mid-job: the broker hands the message back, marked as redelivered,
    # and the next delivery takes the dead run over at once, without any sweeper.
    for pid in pool_children(hanging):
        os.kill(pid, signal.SIGKILL)
    wait_for(
        lambda: Submission.objects.get(pk=submission.pk).attempts == 2,
        what="the redelivered job to take the run over",
        worker=hanging,
    )
    taken_over = Submission.objects.get(pk=submission.pk)
    assert taken_over.status == "running" and "worker failure" in taken_over.error

    # Now the whole worker dies, message and all; a healthy one starts. Its run stops beating,
    # so the sweeper (as beat runs it, with the real clock) queues it again and it is scored.
    hanging.kill()
    healthy = workers()
    restarted = time.monotonic()
    wait_for(
        sweeping_until(lambda: status_of(submission.pk) == "scored"),
        timeout=90,
        what="scoring after the restart",
        worker=healthy,
    )
    print(f"scored {time.monotonic() - restarted:.1f} s after the worker restart")
    assert "its worker died during run 2; queued again" in caplog.text
    submission.refresh_from_db()
    assert submission.attempts == 3 and submission.error == ""
    assert (
        Score.objects.filter(submission=submission, metric="accuracy", group_field="").count() == 1
    )


def test_an_upload_while_the_broker_is_down_is_scored_when_it_returns(
    cast, redis, workers, django_capture_on_commit_callbacks
):
    redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(
            user=cast.participant, phase=cast.dev, subtask=cast.subtask, upload=upload()
        )
    submission.refresh_from_db()
    assert submission.status == "queued" and submission.enqueued_at is None

    redis.start()
    use_broker(redis.url)
    worker = workers()
    assert submissions_sweep()["resent"] == 1
    wait_for(
        lambda: status_of(submission.pk) == "scored",
        what="scoring after the broker returned",
        worker=worker,
    )
