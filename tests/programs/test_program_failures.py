"""A program's failure is the organisers', never the team's: not counted, and fixed by a
rescore that runs the program's new version."""

import pytest

from podium.programs.services import ProgramConfigError, program_version_add, reference_store
from podium.submissions.models import Submission
from podium.submissions.quotas import team_quota
from podium.submissions.rescoring import submissions_rescore
from podium.submissions.scoring import submission_score

from .conftest import ABSOLUTE_JSON, IDS, api_submit, results_zip, write_program, write_reference
from .test_results_zips import stored_as

pytestmark = pytest.mark.django_db


def test_a_program_crash_does_not_count_against_the_team(cast, sandbox):
    cast.dev.count_failed = True
    cast.dev.save()
    cast.set_program("raise RuntimeError('organiser bug')\n", "python3 $program/score.py", "bug")
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "failed"
    assert team_quota(team=cast.alpha, phase=cast.dev).used_total == 0


def test_a_bad_results_zip_is_the_teams_failure_and_counts(cast, sandbox):
    cast.dev.count_failed = True
    cast.dev.save()
    # An empty zip is refused at upload; one that reached storage fails at scoring.
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    stored_as(submission_id, b"PK\x05\x06" + b"\0" * 18)
    assert submission_score(submission_id=submission_id) == "failed"
    submission = Submission.objects.get(pk=submission_id)
    assert "holds no files" in submission.error
    assert team_quota(team=cast.alpha, phase=cast.dev).used_total == 1


def test_rescoring_after_a_fix_uses_the_new_version(cast, sandbox):
    cast.set_program("raise RuntimeError('organiser bug')\n", "python3 $program/score.py", "bug")
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "failed"
    cast.set_program(ABSOLUTE_JSON, "python3 /app/program/score.py", name="fixed")
    assert submissions_rescore(submissions=Submission.objects.filter(pk=submission_id)) == 1
    assert submission_score(submission_id=submission_id) == "scored"
    submission = Submission.objects.get(pk=submission_id)
    assert submission.program_runs.get().version.number == 3
    assert submission.scores.get(metric="accuracy").value == 1.0


def test_a_rescore_after_the_organisers_fix_never_counts_the_failure_against_the_team(
    cast, sandbox
):
    cast.dev.count_failed = True
    cast.dev.max_failed_per_day = 1
    cast.dev.save()
    cast.set_program("raise RuntimeError('organiser bug')\n", "python3 $program/score.py", "bug")
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "failed"
    cast.set_program(ABSOLUTE_JSON, "python3 /app/program/score.py", name="fixed")
    submissions_rescore(submissions=Submission.objects.filter(pk=submission_id))
    for expected in ("queued", "scored"):
        assert Submission.objects.get(pk=submission_id).status == expected
        quota = team_quota(team=cast.alpha, phase=cast.dev)
        assert (quota.used_total, quota.failed_today, quota.active) == (0, 0, 0)
        if expected == "queued":
            assert submission_score(submission_id=submission_id) == "scored"


def test_a_program_run_beats_its_heartbeat(cast, sandbox, monkeypatch):
    """The sweeper takes a run whose heartbeat is silent for a dead worker's: a program that runs
    longer than that must beat too, or it is run again and finally failed."""
    from podium.submissions import scoring

    class Recorder:
        active = False
        rows: list = []

        def __init__(self, rows, *, every):
            self.queryset = rows

        def __enter__(self):
            Recorder.active = True
            Recorder.rows.append(list(self.queryset.values_list("pk", flat=True)))
            return self

        def __exit__(self, *exc):
            Recorder.active = False

    program_branch = scoring.submission_score_with_program

    def inside_a_heartbeat(**kwargs):
        assert Recorder.active, "the program ran without a heartbeat"
        return program_branch(**kwargs)

    monkeypatch.setattr(scoring, "Heartbeat", Recorder)
    monkeypatch.setattr(scoring, "submission_score_with_program", inside_a_heartbeat)
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "scored"
    assert Recorder.rows == [[submission_id]]


def test_the_same_program_twice_is_one_version(cast):
    folder = write_program(cast.base / "same", ABSOLUTE_JSON, "python3 $program/score.py")
    first, created = program_version_add(program=cast.program, source=folder)
    again, created_again = program_version_add(program=cast.program, source=folder)
    assert created and not created_again and first == again
    assert first.number == 2 and first.command == "python3 $program/score.py"


def test_a_program_without_metadata_is_refused(cast):
    folder = cast.base / "no-metadata"
    folder.mkdir(parents=True)
    (folder / "score.py").write_text("print(1)\n")
    with pytest.raises(ProgramConfigError, match="no metadata file"):
        program_version_add(program=cast.program, source=folder)
    assert cast.program.versions.count() == 1


def test_a_programs_memory_and_output_limits_never_exceed_the_sites(cast, settings):
    from podium.programs.execution import program_limits

    settings.PODIUM_SCORING_MEMORY_MB = 2048
    version = cast.program.latest_version()
    cast.program.memory_mb, cast.program.output_mb = 100_000, 100_000
    cast.program.save()
    limits = program_limits(version)
    assert limits["memory_mb"] == limits["limits"].memory_mb == 2048
    assert limits["limits"].file_size_mb == 64
    cast.program.memory_mb, cast.program.output_mb = 512, 8
    cast.program.save()
    limits = program_limits(version)
    assert (limits["memory_mb"], limits["limits"].file_size_mb) == (512, 8)


def test_all_runs_of_a_submission_fit_the_sites_scoring_timeout(cast, settings):
    from podium.programs.execution import program_limits

    settings.PODIUM_SCORING_TIMEOUT = 100
    version = cast.program.latest_version()
    assert program_limits(version, runs=2)["timeout_s"] == 50
    cast.program.timeout_s = 500
    cast.program.save()
    assert program_limits(version, runs=1)["timeout_s"] == 100
    cast.program.timeout_s = 10
    cast.program.save()
    assert program_limits(version, runs=2)["timeout_s"] == 10


def test_a_test_reference_must_name_its_partition(cast):
    with pytest.raises(ProgramConfigError, match="public or private"):
        reference_store(
            subtask=cast.subtask, split="test", partition="all",
            source=write_reference(cast.base / "ref-all", "all", IDS),
        )  # fmt: skip


def test_without_bubblewrap_a_program_scored_submission_waits_in_the_queue(cast, settings, caplog):
    """As on the built-in scorers' path (test_scoring_pipeline): no sandbox is no one's failure;
    the submission goes back to the queue, no failure counted, and the operator is told."""
    cast.dev.count_failed = True
    cast.dev.save()
    settings.PODIUM_BWRAP_PATH = "/nonexistent/bwrap"
    settings.PODIUM_ALLOW_UNSANDBOXED_SCORING = False
    cast.set_program(ABSOLUTE_JSON, "python3 /app/program/score.py", name="fine")
    submission_id = api_submit(cast.participant, cast.dev, results_zip())
    assert submission_score(submission_id=submission_id) == "queued"
    submission = Submission.objects.get(pk=submission_id)
    assert submission.status == "queued" and submission.log.startswith("Not scored: ")
    assert submission.error == "" and not submission.program_runs.exists()
    assert team_quota(team=cast.alpha, phase=cast.dev).failed_today == 0
    assert any(
        r.levelname == "ERROR" and f"submission {submission_id} not scored" in r.getMessage()
        for r in caplog.records
    )
