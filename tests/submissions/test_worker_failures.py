"""A worker that dies mid-job: the redelivered job takes the run over, the sweeper notices a
silent run or a lost message within a minute, and the team is told what happened."""

from datetime import timedelta

import pytest
from django.utils import timezone

from podium.submissions import sweeper
from podium.submissions.models import Score, Submission
from podium.submissions.rescoring import submissions_rescore
from podium.submissions.scoring import (
    HEARTBEAT_LOST,
    REQUEUED_AFTER_WORKER_FAILURE,
    _finish,
    submission_claim,
    submission_score,
)
from podium.submissions.sweeper import submissions_sweep
from podium.submissions.uploads import submission_create

from .conftest import upload

pytestmark = [pytest.mark.django_db]


def submit(cast) -> Submission:
    return submission_create(
        user=cast.participant, phase=cast.dev, subtask=cast.subtask, upload=upload()
    )


def test_a_redelivered_job_takes_over_the_run_of_a_dead_worker_at_once(cast, no_broker):
    submission = submit(cast)
    dead = submission_claim(submission_id=submission.pk)
    # A plain duplicate delivery still leaves a running submission alone ...
    assert submission_score(submission_id=submission.pk) is None
    # ... but the broker's redelivery (the worker died holding the message) scores it now.
    assert submission_score(submission_id=submission.pk, redelivered=True) == "scored"
    submission.refresh_from_db()
    assert submission.attempts == 2 and submission.error == ""
    assert Score.objects.filter(submission=submission, metric="accuracy", group_field="").exists()
    # The dead attempt can never store anything over the new one.
    assert _finish(dead, status="failed", error="late") is False


def test_a_taken_over_run_tells_the_team_it_was_queued_again(cast, no_broker):
    submission = submit(cast)
    submission_claim(submission_id=submission.pk)
    submission_claim(submission_id=submission.pk, redelivered=True)
    submission.refresh_from_db()
    assert submission.status == "running" and submission.attempts == 2
    assert submission.error == REQUEUED_AFTER_WORKER_FAILURE


def test_a_redelivered_job_gives_up_on_a_file_that_keeps_killing_workers(cast, settings, no_broker):
    settings.PODIUM_SCORING_MAX_ATTEMPTS = 2
    submission = submit(cast)
    submission_claim(submission_id=submission.pk)
    submission_claim(submission_id=submission.pk, redelivered=True)
    assert submission_claim(submission_id=submission.pk, redelivered=True) is None
    submission.refresh_from_db()
    assert submission.status == "failed" and "Gave up after 2 runs" in submission.log


def test_rescores_never_use_up_the_runs_that_may_die(cast, settings, no_broker):
    settings.PODIUM_SCORING_MAX_ATTEMPTS = 2
    submission = submit(cast)
    for _ in range(3):  # scored, then rescored by the organisers twice
        assert submission_score(submission_id=submission.pk) in ("scored", "failed")
        submissions_rescore(submissions=Submission.objects.filter(pk=submission.pk))
    submission.refresh_from_db()
    assert submission.attempts == 3
    # One worker death after the rescores is taken over, not given up on.
    submission_claim(submission_id=submission.pk)
    assert submission_score(submission_id=submission.pk, redelivered=True) == "scored"


def test_the_sweeper_queues_again_a_run_whose_heartbeat_stopped(cast, no_broker, monkeypatch):
    monkeypatch.setattr(sweeper, "scoring_queue_empty", lambda: None)
    submission = submit(cast)
    submission_claim(submission_id=submission.pk)
    now = timezone.now()
    # Started a moment ago, well inside the time limit: only the silence says its worker died.
    Submission.objects.filter(pk=submission.pk).update(
        started_at=now - HEARTBEAT_LOST * 2, heartbeat_at=now - HEARTBEAT_LOST * 2
    )
    no_broker.clear()
    assert submissions_sweep(now=now)["revived"] == 1
    submission.refresh_from_db()
    assert submission.status == "queued" and submission.error == REQUEUED_AFTER_WORKER_FAILURE
    assert no_broker == [submission.pk]


def test_the_sweeper_leaves_a_run_that_still_beats(cast, no_broker, monkeypatch):
    monkeypatch.setattr(sweeper, "scoring_queue_empty", lambda: None)
    submission = submit(cast)
    submission_claim(submission_id=submission.pk)
    now = timezone.now()
    Submission.objects.filter(pk=submission.pk).update(
        started_at=now - timedelta(seconds=200), heartbeat_at=now - HEARTBEAT_LOST / 3
    )
    assert submissions_sweep(now=now)["revived"] == 0
    assert Submission.objects.get(pk=submission.pk).status == "running"


def sent_minutes_ago(submission: Submission, minutes: float, *, now) -> None:
    Submission.objects.filter(pk=submission.pk).update(enqueued_at=now - timedelta(minutes=minutes))


def test_a_message_the_broker_lost_is_sent_again_within_a_minute(cast, no_broker, monkeypatch):
    now = timezone.now()
    lost, recent = submit(cast), submit(cast)
    sent_minutes_ago(lost, 2, now=now)
    sent_minutes_ago(recent, 0.2, now=now)
    no_broker.clear()
    # The broker's queue is empty, yet `lost` has waited two minutes unclaimed: its message is gone.
    monkeypatch.setattr(sweeper, "scoring_queue_empty", lambda: True)
    assert submissions_sweep(now=now)["resent"] == 1
    assert no_broker == [lost.pk]


def test_a_waiting_message_in_a_busy_queue_is_not_sent_twice(cast, no_broker, monkeypatch):
    now = timezone.now()
    waiting = submit(cast)
    sent_minutes_ago(waiting, 2, now=now)
    no_broker.clear()
    monkeypatch.setattr(sweeper, "scoring_queue_empty", lambda: False)
    assert submissions_sweep(now=now)["resent"] == 0


def test_a_message_overtaken_by_a_later_one_was_lost(cast, no_broker, monkeypatch):
    now = timezone.now()
    lost, later = submit(cast), submit(cast)
    sent_minutes_ago(lost, 3, now=now)
    sent_minutes_ago(later, 2, now=now)
    submission_claim(submission_id=later.pk)  # the queue is first in, first out
    no_broker.clear()
    monkeypatch.setattr(sweeper, "scoring_queue_empty", lambda: False)
    assert submissions_sweep(now=now)["resent"] == 1
    assert no_broker == [lost.pk]


def test_the_team_page_shows_the_requeue_note(cast, client, no_broker):
    submission = submit(cast)
    submission_claim(submission_id=submission.pk)
    submission_claim(submission_id=submission.pk, redelivered=True)
    client.force_login(cast.participant)
    page = client.get(f"/tasks/{cast.task.slug}/submissions/").content.decode()
    assert "Re-queued after a worker failure" in page
