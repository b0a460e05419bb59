"""The program branch of the scoring job: a subtask scored by an organiser's program.

Kept apart from scoring.py (the built-in scorers' path): the claim and the final conditional
UPDATE are the same, the run and the blame differ. A program that crashes, times out, is
killed, or writes unusable scores is the organisers' problem: the team sees a plain message,
the failure does not count against the team's limits, and a rescore after a fix runs the
program's newest version.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.db import transaction

from podium import sandbox
from podium.programs.execution import (
    Evaluation,
    ResultsRefused,
    ScoringNotConfigured,
    program_evaluate,
)
from podium.programs.models import ProgramScoring
from podium.submissions.models import Score, Submission
from podium.submissions.program_runs import ProgramRun
from podium.submissions.requeue import submission_requeue_without_sandbox

logger = logging.getLogger(__name__)

Status = Submission.Status
PROGRAM_FAILED = "The scoring program failed; the organisers have been told."
STDERR_QUOTE_BYTES = 2000


def program_scoring_of(submission: Submission) -> ProgramScoring | None:
    return (
        ProgramScoring.objects.select_related("program", "subtask")
        .filter(subtask_id=submission.subtask_id)
        .first()
    )


def _runs(submission: Submission, evaluation: Evaluation) -> list[ProgramRun]:
    return [
        ProgramRun(
            submission=submission,
            version=evaluation.version,
            partition=run.partition,
            returncode=run.result.returncode if run.result else None,
            ended_by=(run.result.killed_by_limit or "") if run.result else "",
            duration_s=run.result.duration_s if run.result else 0,
            stdout=run.result.stdout[-20000:].decode("utf-8", "replace") if run.result else "",
            stderr=run.result.stderr[-20000:].decode("utf-8", "replace") if run.result else "",
            error=run.error,
            organiser_fault=not run.ok,
            extra_scores=run.extras,
            detailed_html=run.detailed_html,
            per_item_note=run.per_item_note,
        )
        for run in evaluation.runs
    ]


def _team_message(scoring: ProgramScoring, evaluation: Evaluation) -> str:
    if not scoring.program.stderr_participant_safe:
        return PROGRAM_FAILED
    failed = next(run for run in evaluation.runs if not run.ok)
    tail = failed.result.stderr[-STDERR_QUOTE_BYTES:].decode("utf-8", "replace").strip()
    return f"{PROGRAM_FAILED}\nThe program said:\n{tail}" if tail else PROGRAM_FAILED


def _finish_program(finish, claim, *, status, error, log, scores=(), runs=(), records=None) -> bool:
    with transaction.atomic():
        if not finish(claim, status=status, error=error, log=log, scores=scores, records=records):
            return False
        ProgramRun.objects.filter(submission_id=claim.submission.pk).delete()
        ProgramRun.objects.bulk_create(runs)
    return True


def _evaluate(submission: Submission, scoring: ProgramScoring) -> Evaluation:
    # A file, not a folder: removing a folder costs a synchronous discard on some file systems
    # (3-4 ms on the development machine), unlinking a file does not. Private to the worker (0600).
    with tempfile.NamedTemporaryFile(prefix="podium-upload-") as copy:
        with submission.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        return program_evaluate(
            scoring=scoring,
            split=submission.phase.split,
            results_path=Path(copy.name),
            original_name=submission.original_name,
        )


def _blame_organisers(submission: Submission, message: str) -> list[ProgramRun]:
    """A run-less failure (no version, no reference, staging broke) is recorded too, so that
    it does not count against the team either."""
    return [
        ProgramRun(
            submission=submission, version=None, partition="-", error=message,
            organiser_fault=True,
        )
    ]  # fmt: skip


def submission_score_with_program(*, claim, scoring: ProgramScoring, finish) -> str:
    """Run the program on a claimed submission and store the outcome; returns the status.

    ``finish`` is scoring.py's conditional final UPDATE (passed in, so that this module does
    not import the module that dispatches to it).
    """
    submission = claim.submission
    try:
        evaluation = _evaluate(submission, scoring)
    except sandbox.SandboxUnavailable as exc:
        return submission_requeue_without_sandbox(claim=claim, reason=exc)
    except ResultsRefused as exc:
        _finish_program(finish, claim, status=Status.FAILED, error=exc.args[0], log=exc.args[0])
        return Status.FAILED
    except ScoringNotConfigured as exc:
        logger.warning("submission %s: %s", submission.pk, exc)
        message = f"Not scored: {exc}"
        _finish_program(
            finish, claim, status=Status.FAILED, error=PROGRAM_FAILED, log=message,
            runs=_blame_organisers(submission, message),
        )  # fmt: skip
        return Status.FAILED
    except Exception as exc:
        logger.exception("submission %s: the program could not start", submission.pk)
        message = f"Could not start: {exc!r}"
        _finish_program(
            finish, claim, status=Status.FAILED, error=PROGRAM_FAILED, log=message,
            runs=_blame_organisers(submission, message),
        )  # fmt: skip
        return Status.FAILED

    runs = _runs(submission, evaluation)
    if not evaluation.ok:
        _finish_program(
            finish,
            claim,
            status=Status.FAILED,
            error=_team_message(scoring, evaluation),
            log=evaluation.log(),
            runs=runs,
        )
        return Status.FAILED
    # Hidden columns are organisers-only: kept with the run's extra keys, not as Score rows.
    hidden = set(scoring.columns.filter(hidden=True).values_list("key", flat=True))
    scores = []
    for run, record in zip(evaluation.runs, runs, strict=True):
        for key, value in run.values.items():
            if key in hidden:
                record.extra_scores[key] = value
            else:
                scores.append(
                    Score(submission=submission, partition=run.partition, metric=key, value=value)
                )
    _finish_program(
        finish,
        claim,
        status=Status.SCORED,
        error="",
        log=evaluation.log(),
        scores=scores,
        runs=runs,
        # Per partition, like the built-in scorer's: the private run's only feeds the private
        # board. Always given, so a rescore without per_item.csv leaves no stale record.
        records={run.partition: run.per_item for run in evaluation.runs if run.per_item},
    )
    return Status.SCORED
