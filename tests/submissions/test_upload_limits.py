"""Who may upload, when, how much; limits counted per team, per phase."""

from datetime import timedelta

import pytest
from django.utils import timezone

from podium.submissions.models import Submission
from podium.submissions.quotas import team_quota
from podium.submissions.uploads import SubmissionRefused, submission_create
from podium.teams.models import Registration

from .conftest import upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_broker")]


def submit(cast, user=None, content=None, phase=None, **kwargs):
    return submission_create(
        user=user or cast.participant,
        phase=phase or cast.dev,
        subtask=cast.subtask,
        upload=upload(content),
        method_name=kwargs.pop("method_name", "tf-idf"),
        **kwargs,
    )


def submit_finished(cast, status="scored", **kwargs):
    """Submit and mark it finished, so the concurrent limit (2) stays out of the way."""
    submission = submit(cast, **kwargs)
    Submission.objects.filter(pk=submission.pk).update(status=status)
    return submission


def refusal(call) -> SubmissionRefused:
    with pytest.raises(SubmissionRefused) as caught:
        call()
    return caught.value


def test_an_upload_is_stored_with_its_sha256_and_queued(
    cast, django_capture_on_commit_callbacks, no_broker
):
    import hashlib

    from .conftest import predictions

    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(cast, description="words")
    assert submission.status == "queued" and submission.team == cast.team
    assert submission.sha256 == hashlib.sha256(predictions()).hexdigest()
    assert submission.file.read() == predictions()
    assert no_broker == [submission.pk]


def test_only_members_of_an_approved_team_may_submit(cast):
    Registration.objects.filter(team=cast.beta).update(status=Registration.Status.PENDING)
    error = refusal(lambda: submit(cast, user=cast.outsider))
    assert error.code == "not_registered"
    assert "approved registration" in error.message
    assert Submission.objects.count() == 0


def test_a_closed_phase_refuses(cast):
    error = refusal(lambda: submit(cast, phase=cast.test))
    assert error.code == "phase_closed" and "has not started yet" in error.message
    later = cast.test.end + timedelta(seconds=1)
    assert "has ended" in refusal(lambda: submit(cast, phase=cast.test, now=later)).message


def test_an_oversized_upload_is_refused_before_it_is_stored(cast, isolated_storage):
    cast.dev.max_file_mb = 1
    cast.dev.save()
    error = refusal(lambda: submit(cast, content=b"x" * (1024 * 1024 + 1)))
    assert error.code == "too_large" and "at most 1 MB" in error.message
    assert not (isolated_storage / "media" / "submissions").exists()


def test_an_empty_file_is_refused(cast):
    assert refusal(lambda: submit(cast, content=b"")).code == "empty_file"


def test_the_daily_limit_says_when_it_resets(cast):
    for _ in range(5):
        submit_finished(cast)
    error = refusal(lambda: submit(cast))
    assert error.code == "limit_reached" and "5 submissions for today" in error.message
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%d 00:00")
    assert f"resets at {tomorrow} UTC" in error.message
    assert submit(cast, now=timezone.now() + timedelta(days=1)).pk


def test_failed_submissions_do_not_count_unless_the_phase_says_so(cast):
    for _ in range(5):
        submit_finished(cast, status="failed")
    quota = team_quota(team=cast.team, phase=cast.dev)
    assert quota.used_today == 0 and quota.left_today == 5
    cast.dev.count_failed = True
    cast.dev.save()
    assert team_quota(team=cast.team, phase=cast.dev).left_today == 0


def test_the_concurrent_limit_counts_queued_and_running(cast):
    first, second = submit(cast), submit(cast)
    error = refusal(lambda: submit(cast))
    assert "2 submission(s) queued or running" in error.message
    Submission.objects.filter(pk=first.pk).update(status="scored")
    submit(cast)
    assert team_quota(team=cast.team, phase=cast.dev).active == 2
    assert second.pk


def test_the_total_limit_holds_across_days(cast):
    cast.dev.max_total, cast.dev.max_per_day, cast.dev.max_concurrent = 3, None, None
    cast.dev.save()
    for days in range(3):
        submit_finished(cast, now=timezone.now() + timedelta(days=days))
    error = refusal(lambda: submit(cast, now=timezone.now() + timedelta(days=5)))
    assert "all 3 submissions allowed in this phase" in error.message
    assert team_quota(team=cast.team, phase=cast.dev).left_today == 0


def test_a_teammate_uses_the_same_quota(cast):
    for user in [cast.participant, cast.teammate] * 2 + [cast.participant]:
        submit_finished(cast, user=user)
    assert refusal(lambda: submit(cast, user=cast.teammate)).code == "limit_reached"


def test_a_subtask_of_another_task_is_refused(cast):
    from podium.sharedtasks.models import SharedTask, Subtask

    other = Subtask.objects.create(
        task=SharedTask.objects.create(slug="o", title="O"),
        slug="z",
        title="Z",
        file_format="jsonl",
        primary_metric="accuracy",
    )
    error = refusal(
        lambda: submission_create(
            user=cast.participant, phase=cast.dev, subtask=other, upload=upload()
        )
    )
    assert error.code == "bad_subtask"


@pytest.mark.django_db(transaction=True)  # real commits: on-commit callbacks run as in production
def test_a_failure_after_the_commit_never_deletes_the_accepted_file(cast, monkeypatch):
    from django.db import OperationalError

    def broker_then_database_fails(*, submission_id):
        raise OperationalError("database is locked")

    monkeypatch.setattr("podium.submissions.enqueue.submission_enqueue", broker_then_database_fails)
    submission = submit(cast)  # the on-commit callback runs when the insert commits, and fails
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert submission.file.storage.exists(submission.file.name)


def test_enqueueing_survives_a_database_error_after_the_broker_took_the_job(cast, monkeypatch):
    from django.db import OperationalError

    from podium.submissions import enqueue

    submission = submit(cast)
    monkeypatch.setattr("podium.celery.app.send_task", lambda *args, **kw: None)

    class Failing:
        def filter(self, **kwargs):
            raise OperationalError("database is locked")

    monkeypatch.setattr(enqueue.Submission, "objects", Failing())
    assert enqueue.submission_enqueue(submission_id=submission.pk) is True
