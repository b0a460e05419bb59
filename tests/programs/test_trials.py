""" "Test this program": a job runs the trial, the page shows "running" and then the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from podium.programs.models import ProgramTrial
from podium.programs.trial import LOST, NO_BROKER, trial_run
from podium.sharedtasks.models import SharedTask
from podium.submissions.models import Submission

from .conftest import PRIVATE_IDS, PUBLIC_IDS, results_zip

pytestmark = pytest.mark.django_db

FAILING = """
import sys
sys.stderr.write("TRIAL-STDERR-5e1c: cannot parse predictions line 3\\n")
sys.exit(3)
"""


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    """Trial jobs are recorded instead of sent; the list holds the trial ids."""
    jobs: list[int] = []
    monkeypatch.setattr(
        "podium.programs.enqueue.trial_enqueue",
        lambda *, trial_id: jobs.append(trial_id) or True,
    )
    return jobs


def start_trial(client, cast, capture, split: str = "test"):
    with capture(execute=True):
        return client.post(
            f"/admin/programs/scoringprogram/{cast.program.pk}/test/",
            {
                "subtask": cast.subtask.program_scoring.pk,
                "split": split,
                "results": SimpleUploadedFile("sample.zip", results_zip()),
            },
        )


def test_the_test_view_returns_at_once_with_a_pending_trial(
    cast, client, sent, django_capture_on_commit_callbacks
):
    client.force_login(cast.organiser)
    response = start_trial(client, cast, django_capture_on_commit_callbacks)
    trial = ProgramTrial.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/scoringprogram/{cast.program.pk}/test/{trial.pk}/")
    assert sent == [trial.pk]  # enqueued, not run: nothing ran in the request
    assert trial.status == ProgramTrial.Status.PENDING and trial.runs == []
    assert trial.results and trial.original_name == "sample.zip"
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'http-equiv="refresh"' in page
    assert not Submission.objects.exists()


def test_running_the_job_shows_each_partitions_scores_on_the_page(
    cast, client, sent, sandbox, django_capture_on_commit_callbacks
):
    from podium.programs.tasks import run_trial

    client.force_login(cast.organiser)
    location = start_trial(client, cast, django_capture_on_commit_callbacks)["Location"]
    run_trial.apply(args=[sent[0]])  # the Celery job itself, run here
    trial = ProgramTrial.objects.get()
    assert trial.status == ProgramTrial.Status.DONE, trial.error
    by_partition = {run["partition"]: run for run in trial.runs}
    # Each partition ran against its own reference: the counts are those of its rows.
    assert by_partition["public"]["values"]["n"] == len(PUBLIC_IDS)
    assert by_partition["private"]["values"]["n"] == len(PRIVATE_IDS)
    assert trial.duration_s is not None and trial.finished_at is not None
    assert not trial.results  # the uploaded file is gone once read
    page = client.get(location).content.decode()
    assert "public: scored" in page and "private: scored" in page
    assert "exit status 0" in page and str(trial.version) in page
    assert 'http-equiv="refresh"' not in page
    assert not Submission.objects.exists()
    assert trial_run(trial_id=trial.pk) is None  # a second delivery does not run it again


def test_a_failing_program_shows_its_stderr_to_the_organiser(
    cast, client, sent, sandbox, django_capture_on_commit_callbacks
):
    cast.set_program(FAILING, "python3 /app/program/score.py", name="failing")
    client.force_login(cast.organiser)
    location = start_trial(client, cast, django_capture_on_commit_callbacks, split="dev")[
        "Location"
    ]
    assert trial_run(trial_id=sent[0]) == ProgramTrial.Status.DONE
    page = client.get(location).content.decode()
    assert "all: failed" in page
    assert "the program exited with status 3" in page
    assert "TRIAL-STDERR-5e1c: cannot parse predictions line 3" in page


def test_an_organiser_of_another_task_can_neither_see_nor_run_trials(
    cast, client, sent, make_user, django_capture_on_commit_callbacks
):
    client.force_login(cast.organiser)
    location = start_trial(client, cast, django_capture_on_commit_callbacks)["Location"]
    other = SharedTask.objects.create(slug="other", title="Other")
    mallory = make_user("mallory", organiser=True)
    other.organisers.add(mallory)
    client.force_login(mallory)
    assert client.get(location).status_code == 404
    assert client.get(f"/admin/programs/scoringprogram/{cast.program.pk}/test/").status_code == 404
    refused = start_trial(client, cast, django_capture_on_commit_callbacks)
    assert refused.status_code == 404
    assert ProgramTrial.objects.count() == 1 and len(sent) == 1


def test_a_trial_the_broker_refused_says_so(
    cast, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("podium.programs.enqueue.trial_enqueue", lambda *, trial_id: False)
    client.force_login(cast.organiser)
    location = start_trial(client, cast, django_capture_on_commit_callbacks)["Location"]
    trial = ProgramTrial.objects.get()
    assert trial.status == ProgramTrial.Status.FAILED and not trial.results
    assert NO_BROKER in client.get(location).content.decode()


def test_a_redelivered_trial_whose_worker_died_is_reported_lost(
    cast, client, sent, django_capture_on_commit_callbacks
):
    client.force_login(cast.organiser)
    start_trial(client, cast, django_capture_on_commit_callbacks)
    ProgramTrial.objects.update(status=ProgramTrial.Status.RUNNING)  # the first worker died
    assert trial_run(trial_id=sent[0], redelivered=True) == ProgramTrial.Status.FAILED
    assert ProgramTrial.objects.get().error == LOST


def test_a_trial_left_waiting_past_any_run_says_so(
    cast, client, sent, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    settings.PODIUM_SCORING_TIMEOUT = 60
    client.force_login(cast.organiser)
    location = start_trial(client, cast, django_capture_on_commit_callbacks)["Location"]
    assert "may have stopped" not in client.get(location).content.decode()
    ProgramTrial.objects.update(created_at=timezone.now() - timedelta(seconds=60 + 121))
    assert "may have stopped" in client.get(location).content.decode()


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_trial_sent_by_name(cast, client, sandbox):
    """The request commits and sends the job by name; a real `celery worker -Q scoring` on
    Redis finds it, runs the program and stores the report the page shows."""
    from podium.celery import app
    from tests.submissions.workers import RedisServer, Worker, storage_roots, use_broker, wait_for

    redis = RedisServer()
    redis.start()
    original = app.conf.broker_url
    use_broker(redis.url)
    media, gold = storage_roots()
    worker = Worker(redis.url, media_root=media, gold_root=gold).start()
    try:
        client.force_login(cast.organiser)
        response = client.post(
            f"/admin/programs/scoringprogram/{cast.program.pk}/test/",
            {
                "subtask": cast.subtask.program_scoring.pk,
                "split": "test",
                "results": SimpleUploadedFile("sample.zip", results_zip()),
            },
        )
        assert response.status_code == 302
        trial = ProgramTrial.objects.get()
        wait_for(
            lambda: ProgramTrial.objects.get(pk=trial.pk).finished,
            timeout=120,
            what="the trial to finish",
            worker=worker,
        )
        trial.refresh_from_db()
        assert trial.status == ProgramTrial.Status.DONE, trial.error
        page = client.get(response["Location"]).content.decode()
        assert "public: scored" in page and "private: scored" in page
        assert not Submission.objects.exists()
    finally:
        worker.stop()
        use_broker(original)
        redis.stop()
