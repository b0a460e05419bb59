"""Scoring a submission for real: the scorer CLI in the sandbox, scores stored per partition."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from podium.submissions.models import Score, Submission
from podium.submissions.rescoring import submissions_rescore
from podium.submissions.scoring import submission_claim, submission_score
from podium.submissions.sweeper import submissions_sweep
from podium.submissions.uploads import submission_create

from .conftest import predictions, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


@pytest.fixture
def stand_in_scorer(settings, monkeypatch):
    """Score with a stand-in module from tests/support (found there by the sandbox too)."""
    from pathlib import Path

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "support"))

    def use(name: str):
        settings.PODIUM_SCORER_MODULE = name

    return use


@pytest.fixture
def test_phase_open(cast):
    cast.test.start = timezone.now() - timedelta(days=1)
    cast.test.save()
    return cast.test


def submit(cast, content=None, phase=None):
    return submission_create(
        user=cast.participant, phase=phase or cast.dev, subtask=cast.subtask, upload=upload(content)
    )


def overall(submission, partition):
    return {
        s.metric: s.value
        for s in Score.objects.filter(submission=submission, partition=partition, group_field="")
    }


def test_a_dev_submission_is_scored_against_dev_gold(cast):
    # Gold alternates human/machine; this prediction gets 8 of 10 right.
    labels = ["human", "machine"] * 5
    labels[0], labels[1] = "machine", "human"
    submission = submit(cast, predictions(labels))
    assert submission_score(submission_id=submission.pk) == "scored"
    submission.refresh_from_db()
    assert submission.status == "scored" and submission.error == ""
    assert overall(submission, "all")["accuracy"] == pytest.approx(0.8)
    by_language = Score.objects.get(
        submission=submission, metric="accuracy", group_field="language", group_value="en"
    )
    assert by_language.value == pytest.approx(0.8)


def test_a_test_submission_gets_public_and_private_scores(cast, test_phase_open):
    submission = submit(cast, predictions(["human", "machine"] * 5), phase=test_phase_open)
    assert submission_score(submission_id=submission.pk) == "scored"
    assert set(Score.objects.filter(submission=submission).values_list("partition", flat=True)) == {
        "public",
        "private",
    }
    assert overall(submission, "public")["accuracy"] == 1.0


def test_an_invalid_file_fails_with_lines_and_no_gold(cast):
    content = predictions(["human", "robot", "machine", "human"], ids=["x0", "x1", "x1", "zzz"])
    submission = submit(cast, content)
    assert submission_score(submission_id=submission.pk) == "failed"
    submission.refresh_from_db()
    assert "line 2" in submission.error and "robot" in submission.error
    assert "line 3" in submission.error  # the duplicate id
    # Gold labels of the ids the file missed are never named; nor is the word "private".
    assert "private" not in submission.error.lower()
    assert not Score.objects.filter(submission=submission).exists()


def test_a_job_delivered_twice_scores_once(cast):
    submission = submit(cast)
    assert submission_score(submission_id=submission.pk) == "scored"
    assert submission_score(submission_id=submission.pk) is None
    submission.refresh_from_db()
    assert submission.attempts == 1
    assert Score.objects.filter(submission=submission, group_field="").count() == 2


def test_a_superseded_attempt_cannot_overwrite_the_newer_one(cast):
    submission = submit(cast)
    stale = submission_claim(submission_id=submission.pk)
    # The sweeper decided that run was dead and queued it again; a new run claims it.
    Submission.objects.filter(pk=submission.pk).update(status="queued")
    assert submission_score(submission_id=submission.pk) == "scored"
    from podium.submissions.scoring import _finish

    assert _finish(stale, status="failed", error="late") is False
    submission.refresh_from_db()
    assert submission.status == "scored" and submission.error == ""


def test_a_crashing_scorer_fails_with_a_log_for_organisers_only(cast, stand_in_scorer):
    stand_in_scorer("crashscorer")
    submission = submit(cast)
    assert submission_score(submission_id=submission.pk) == "failed"
    submission.refresh_from_db()
    assert "scorer bug" in submission.log
    assert (
        "scorer bug" not in submission.error and "organisers have the details" in submission.error
    )


def test_a_hanging_scorer_is_killed_at_the_timeout(cast, settings, stand_in_scorer):
    stand_in_scorer("slowscorer")
    settings.PODIUM_SCORING_TIMEOUT = 2
    submission = submit(cast)
    assert submission_score(submission_id=submission.pk) == "failed"
    submission.refresh_from_db()
    assert "Killed after the 2 s time limit" in submission.log
    assert submission.finished_at - submission.started_at < timedelta(seconds=30)


def test_without_bubblewrap_scoring_is_refused_and_the_submission_waits(cast, settings, caplog):
    settings.PODIUM_BWRAP_PATH = "/nonexistent/bwrap"
    submission = submit(cast)
    assert submission_score(submission_id=submission.pk) == "queued"
    submission.refresh_from_db()
    assert submission.status == "queued" and "Not scored" in submission.log
    assert any("not scored" in r.getMessage() for r in caplog.records)


def test_the_sweeper_revives_dead_runs_and_resends_lost_jobs(cast, settings, no_broker):
    settings.PODIUM_SCORING_TIMEOUT = 10
    dead, waiting, fresh = submit(cast), submit(cast), None
    submission_claim(submission_id=dead.pk)
    Submission.objects.filter(pk=dead.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    no_broker.clear()
    result = submissions_sweep()
    assert result["revived"] == 1
    assert sorted(no_broker) == sorted([dead.pk, waiting.pk])
    assert Submission.objects.get(pk=dead.pk).status == "queued"
    assert fresh is None


def test_rescoring_replaces_the_scores(cast):
    submission = submit(cast, predictions(["machine"] * 10))
    submission_score(submission_id=submission.pk)
    assert overall(submission, "all")["accuracy"] == 0.5
    Submission.objects.filter(pk=submission.pk).update(
        file=submission.file.name
    )  # same file; pretend the gold was fixed by changing the prediction on disk
    with submission.file.storage.open(submission.file.name, "wb") as handle:
        handle.write(predictions(["human", "machine"] * 5))
    assert submissions_rescore(submissions=Submission.objects.filter(pk=submission.pk)) == 1
    assert submission_score(submission_id=submission.pk) == "scored"
    assert overall(submission, "all")["accuracy"] == 1.0
    assert (
        Score.objects.filter(submission=submission, metric="accuracy", group_field="").count() == 1
    )


def test_scores_are_the_scorers_numbers(cast):
    submission = submit(cast, predictions(["human"] * 10))
    submission_score(submission_id=submission.pk)
    submission.refresh_from_db()
    log_json = json.loads(submission.log.split("--- stdout (start) ---\n", 1)[1])
    assert log_json["scores"]["all"]["overall"]["macro_f1"] == pytest.approx(
        overall(submission, "all")["macro_f1"]
    )


def test_a_job_that_cannot_reach_the_database_is_retried(monkeypatch):
    from django.db import OperationalError

    from podium.submissions.tasks import score_submission

    calls = []

    def flaky(*, submission_id, **options):
        calls.append(submission_id)
        if len(calls) == 1:
            raise OperationalError("too many clients already")

    monkeypatch.setattr("podium.submissions.tasks.submission_score", flaky)
    score_submission.apply(args=[7]).get()
    assert calls == [7, 7]


def test_a_team_stays_on_the_leaderboard_while_its_submission_is_scored_again(cast):
    from podium.leaderboards.selectors import leaderboard

    submission = submit(cast, predictions(["human", "machine"] * 5))
    submission_score(submission_id=submission.pk)
    fresh = submit(cast)  # a new upload, not yet scored: it must not stand in for the team

    def board():
        rows = leaderboard(
            phase=cast.dev, subtask=cast.subtask, partition="public", viewer=cast.participant
        ).rows
        return [(row.team, row.submission_id, row.primary) for row in rows]

    assert board() == [("Alpha", submission.pk, 1.0)]
    submissions_rescore(submissions=Submission.objects.filter(pk=submission.pk))
    assert board() == [("Alpha", submission.pk, 1.0)]
    submission_claim(submission_id=submission.pk)  # running again
    assert board() == [("Alpha", submission.pk, 1.0)]
    assert fresh.pk not in [row[1] for row in board()]


def test_the_sweeper_gives_up_on_a_file_whose_runs_keep_dying(cast, settings):
    settings.PODIUM_SCORING_MAX_ATTEMPTS = 2
    submission = submit(cast)
    for attempt in (1, 2):
        assert submission_claim(submission_id=submission.pk).attempt == attempt
        Submission.objects.filter(pk=submission.pk).update(
            started_at=timezone.now() - timedelta(hours=1)
        )
        result = submissions_sweep()
    assert result["given_up"] == 1 and result["revived"] == 0
    submission.refresh_from_db()
    assert submission.status == "failed" and "organisers have the details" in submission.error
    assert "Gave up after 2 runs" in submission.log
