"""Failed submissions have an allowance of their own per team and day; submissions that
organisers rescore never count against the team (not active, not an extra daily or total use,
and a failure of the new run is not the team's)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from podium.submissions.models import Submission
from podium.submissions.quotas import team_quota
from podium.submissions.rescoring import submissions_rescore
from podium.submissions.uploads import SubmissionRefused, submission_create

from .conftest import upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


def submit(cast, now=None):
    return submission_create(
        user=cast.participant,
        phase=cast.dev,
        subtask=cast.subtask,
        upload=upload(None),
        method_name="m",
        now=now,
    )


def finished(cast, status: str) -> Submission:
    submission = submit(cast)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    return submission


def open_limits(phase, **limits):
    """No daily, total or concurrent limit unless given, so only the rule under test bites."""
    values = {"max_per_day": None, "max_total": None, "max_concurrent": None, **limits}
    for name, value in values.items():
        setattr(phase, name, value)
    phase.save()


def test_a_new_phase_allows_ten_failures_a_day_by_default(cast):
    assert cast.dev.max_failed_per_day == 10


def test_failures_past_the_allowance_stop_uploads_until_the_next_day(cast):
    open_limits(cast.dev, max_failed_per_day=3)
    for _ in range(3):
        finished(cast, "failed")
    quota = team_quota(team=cast.team, phase=cast.dev)
    assert quota.failed_today == 3 and quota.failed_left_today == 0
    with pytest.raises(SubmissionRefused) as caught:
        submit(cast)
    assert caught.value.code == "limit_reached"  # the API answers it with 429
    assert "3 of your team's submissions failed today (UTC)" in caught.value.message
    assert "python -m scorers score" in caught.value.message
    assert Submission.objects.count() == 3  # the refusal changed nothing
    assert submit(cast, now=timezone.now() + timedelta(days=1)).pk


def test_scored_submissions_do_not_use_the_failure_allowance(cast):
    open_limits(cast.dev, max_failed_per_day=1)
    for _ in range(4):
        finished(cast, "scored")
    assert team_quota(team=cast.team, phase=cast.dev).failed_left_today == 1
    assert submit(cast).pk


def test_no_failure_allowance_means_no_limit(cast):
    open_limits(cast.dev, max_failed_per_day=None)
    for _ in range(12):
        finished(cast, "failed")
    assert team_quota(team=cast.team, phase=cast.dev).failed_left_today is None
    assert submit(cast).pk


def test_a_rescore_takes_no_slot_of_the_concurrent_limit(cast):
    """The red-team repro: after a rescore the team was told "2 submissions queued or running"."""
    open_limits(cast.dev, max_concurrent=2)
    first, second = finished(cast, "scored"), finished(cast, "failed")
    assert submissions_rescore(submissions=Submission.objects.all()) == 2
    assert set(Submission.objects.values_list("status", flat=True)) == {"queued"}
    quota = team_quota(team=cast.team, phase=cast.dev)
    assert quota.active == 0 and quota.refusal() is None
    assert submit(cast).pk and submit(cast).pk
    Submission.objects.filter(pk=first.pk).update(status="running")
    assert team_quota(team=cast.team, phase=cast.dev).active == 2  # the two fresh uploads
    assert second.pk


def test_a_rescore_adds_nothing_to_the_daily_and_total_counts(cast):
    open_limits(cast.dev, max_per_day=3, max_total=3)
    finished(cast, "scored")
    finished(cast, "failed")  # does not count: the phase does not count failures
    before = team_quota(team=cast.team, phase=cast.dev)
    assert (before.used_today, before.used_total) == (1, 1)
    submissions_rescore(submissions=Submission.objects.all())
    during = team_quota(team=cast.team, phase=cast.dev)
    assert (during.used_today, during.used_total) == (1, 1)
    # The rescored runs end, one of them (once scored) failing under the organisers' new gold.
    Submission.objects.filter(status_before_rescore="scored").update(status="failed")
    Submission.objects.filter(status_before_rescore="failed").update(status="scored")
    after = team_quota(team=cast.team, phase=cast.dev)
    assert (after.used_today, after.used_total) == (1, 1)


def test_a_failure_of_a_rescored_run_is_not_the_teams(cast):
    open_limits(cast.dev, max_failed_per_day=1)
    scored = finished(cast, "scored")
    submissions_rescore(submissions=Submission.objects.filter(pk=scored.pk))
    Submission.objects.filter(pk=scored.pk).update(status="failed")
    assert team_quota(team=cast.team, phase=cast.dev).failed_today == 0
    assert submit(cast).pk


def test_a_second_rescore_keeps_the_teams_own_outcome(cast):
    failed = finished(cast, "failed")
    submissions_rescore(submissions=Submission.objects.all())
    Submission.objects.filter(pk=failed.pk).update(status="scored")
    submissions_rescore(submissions=Submission.objects.all())
    assert Submission.objects.get(pk=failed.pk).status_before_rescore == "failed"
