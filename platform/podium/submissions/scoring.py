"""Scoring one submission: claim it, run the scorer in the sandbox, store the outcome.

Status only moves forward (queued -> running -> scored | failed), each move a conditional UPDATE,
so a job delivered twice, or re-sent by the sweeper while the first delivery is still alive,
scores once: the second claim finds nothing, and a stale run cannot overwrite a newer one because
its final UPDATE also names the attempt it claimed.

A delivery the broker marks as redelivered is the one exception: the worker that held it died
(its message came back unacknowledged), so it takes that dead worker's attempt over at once
instead of leaving the row "running" until the sweeper notices. The attempt fence keeps this safe
even in the unlikely case that the first run is alive after all: only the newest attempt may
store its outcome.

While a run lasts, a thread beats `heartbeat_at` every few seconds; the sweeper takes a run whose
beat has stopped for its worker's death (submissions/sweeper.py).
"""

import json
import logging
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from podium import sandbox
from podium.heartbeat import Heartbeat
from podium.sandbox.conf import run_scorer_with_settings
from podium.sharedtasks.models import Dataset
from podium.sharedtasks.specs import subtask_scorer_spec
from podium.submissions.models import Score, Submission
from podium.submissions.program_scoring import program_scoring_of, submission_score_with_program
from podium.submissions.records import (
    board_inputs_changed,
    records_collect,
    submission_records_store,
)
from podium.submissions.requeue import submission_requeue_without_sandbox

logger = logging.getLogger(__name__)

Status = Submission.Status
MAX_PARTICIPANT_ERRORS = 20
SCORER_FAILED = (
    "The scorer could not finish on this file. The organisers have the details; "
    "you may submit again."
)
# Shown to the team while a submission waits or runs again after its worker died.
REQUEUED_AFTER_WORKER_FAILURE = (
    "Re-queued after a worker failure: it is being scored again, nothing to do on your side."
)
# A run beats this often; the sweeper calls it dead after HEARTBEAT_LOST without a beat.
HEARTBEAT_EVERY = timedelta(seconds=5)
HEARTBEAT_LOST = 3 * HEARTBEAT_EVERY


@dataclass(frozen=True)
class Claim:
    submission: Submission
    attempt: int


def submission_claim(*, submission_id: int, redelivered: bool = False) -> Claim | None:
    """queued -> running, exactly once per queued state; None when there is nothing to claim.

    `redelivered`: the broker says this message was handed out before and came back
    unacknowledged, so a "running" row belongs to a dead worker: take its attempt over (a new
    attempt number, so the dead one could never store anything), or give up on a file whose
    scoring has killed its worker PODIUM_SCORING_MAX_ATTEMPTS times.
    """
    now = timezone.now()
    claimable = Q(status=Status.QUEUED)
    if redelivered:
        abandoned = Submission.objects.filter(pk=submission_id, status=Status.RUNNING)
        if submission_give_up(runs=abandoned, now=now):
            return None
        claimable |= Q(status=Status.RUNNING)
    claimed = Submission.objects.filter(claimable, pk=submission_id).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        error=Case(
            When(status=Status.RUNNING, then=Value(REQUEUED_AFTER_WORKER_FAILURE)),
            default=F("error"),
            output_field=models.TextField(),
        ),
    )
    if not claimed:
        return None
    submission = Submission.objects.select_related("phase", "subtask").get(pk=submission_id)
    return Claim(submission=submission, attempt=submission.attempts)


def submission_give_up(*, runs, now) -> int:
    """Fail those of `runs` (running submissions) that used up their attempts; returns how many.

    A file whose scoring kills its worker every time would otherwise be taken over forever.
    """
    limit = settings.PODIUM_SCORING_MAX_ATTEMPTS
    # Counted since the last rescore (attempts_at_rescore): rescores never use up the runs.
    given_up = runs.filter(
        status=Status.RUNNING, attempts__gte=F("attempts_at_rescore") + limit
    ).update(
        status=Status.FAILED,
        finished_at=now,
        error=SCORER_FAILED,
        log=f"Gave up after {limit} runs that never finished (the worker died each time).",
    )
    if given_up:
        logger.error("gave up on %s submission(s) whose runs never finished", given_up)
    return given_up


def _finish(
    claim: Claim, *, status: str, error: str = "", log: str = "", scores=(), records=None
) -> bool:
    """running -> scored|failed for this attempt only; its scores replaced in one transaction.

    `records` (per-item record files by partition) are stored by the attempt that won, before
    the commit that tells the boards to rebuild, so the rebuild finds them."""
    with transaction.atomic():
        moved = Submission.objects.filter(
            pk=claim.submission.pk, status=Status.RUNNING, attempts=claim.attempt
        ).update(status=status, error=error, log=log, finished_at=timezone.now())
        if not moved:
            logger.info(
                "submission %s: attempt %s was superseded", claim.submission.pk, claim.attempt
            )
            return False
        Score.objects.filter(submission_id=claim.submission.pk).delete()
        Score.objects.bulk_create(scores)
        if records is not None:
            submission_records_store(submission_id=claim.submission.pk, records=records)
        submission = claim.submission
        transaction.on_commit(
            lambda: board_inputs_changed.send(
                Submission, phase_id=submission.phase_id, subtask_id=submission.subtask_id
            )
        )
    return True


def scores_from_output(submission: Submission, output: dict) -> list[Score]:
    """Score rows from the scorer's JSON: per partition, overall and per group."""
    rows = []
    for partition, result in output["scores"].items():
        for metric, value in result.get("overall", {}).items():
            rows.append(
                Score(
                    submission=submission, partition=partition, metric=metric, value=_number(value)
                )
            )
        for field, groups in result.get("groups", {}).items():
            for group, metrics in groups.items():
                for metric, value in metrics.items():
                    rows.append(
                        Score(
                            submission=submission,
                            partition=partition,
                            metric=metric,
                            group_field=field,
                            group_value=str(group)[:200],
                            value=_number(value),
                        )
                    )
    return rows


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def participant_error(errors: list[dict]) -> str:
    """The scorer's validation errors as lines for the team (the scorer never puts gold in them)."""
    lines = []
    for error in errors[:MAX_PARTICIPANT_ERRORS]:
        where = []
        if error.get("line"):
            where.append(f"line {error['line']}")
        if error.get("column"):
            where.append(f"column {error['column']}")
        prefix = ", ".join(where)
        lines.append(
            f"{prefix}: {error.get('message', '')}" if prefix else str(error.get("message", ""))
        )
    if len(errors) > MAX_PARTICIPANT_ERRORS:
        lines.append(f"... and {len(errors) - MAX_PARTICIPANT_ERRORS} more")
    return "\n".join(lines) or "The file is not a valid submission."


def _prepare_job(submission: Submission, job_dir: Path) -> tuple[Path, Path, Path]:
    """Copy the prediction, the gold of the phase's split and the spec into the job directory."""
    dataset = Dataset.objects.get(subtask=submission.subtask, split=submission.phase.split)
    if not dataset.gold:
        raise LookupError(f"{dataset} has no gold file")
    suffix = Path(submission.file.name).suffix or ".txt"
    pred = job_dir / f"prediction{suffix}"
    gold = job_dir / "gold.jsonl"
    spec = job_dir / "spec.json"
    with submission.file.open("rb") as source, open(pred, "wb") as out:
        shutil.copyfileobj(source, out)
    with dataset.gold.open("rb") as source, open(gold, "wb") as out:
        shutil.copyfileobj(source, out)
    spec.write_text(
        json.dumps(subtask_scorer_spec(submission.subtask, split=submission.phase.split))
    )
    return spec, gold, pred


def _run(submission: Submission) -> tuple[sandbox.SandboxResult, dict[str, bytes]]:
    """The sandbox's result and the per-item record files it left (read before cleanup)."""
    job_dir = sandbox.make_job_dir()
    try:
        spec, gold, pred = _prepare_job(submission, job_dir)
        out = job_dir / "records"
        result = run_scorer_with_settings(
            job_dir, spec_path=spec, gold_path=gold, pred_path=pred, output_dir=out
        )
        return result, records_collect(out)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)


def _describe(result: sandbox.SandboxResult) -> str:
    """The organisers' log of a run: how it ended and the tail of what it printed."""
    stderr = result.stderr[-20000:].decode("utf-8", errors="replace")
    stdout = result.stdout[:5000].decode("utf-8", errors="replace")
    return (
        f"exit code {result.returncode}, ended by: {result.killed_by_limit or 'itself'}, "
        f"sandboxed: {result.sandboxed}, {result.duration_s:.2f} s\n"
        f"--- stderr ---\n{stderr}\n--- stdout (start) ---\n{stdout}"
    )


def submission_score(*, submission_id: int, redelivered: bool = False) -> str | None:
    """Score one submission if it is waiting; returns the final status, or None if not claimed.

    `redelivered`: see `submission_claim`.
    """
    claim = submission_claim(submission_id=submission_id, redelivered=redelivered)
    if claim is None:
        return None
    submission = claim.submission
    # Every run beats, programs' too: the sweeper takes a silent run for a dead worker's.
    mine = Submission.objects.filter(
        pk=submission.pk, status=Status.RUNNING, attempts=claim.attempt
    )
    # Organisers' programs take their own branch (podium/submissions/program_scoring.py).
    if (program_scoring := program_scoring_of(submission)) is not None:
        with Heartbeat(mine, every=HEARTBEAT_EVERY):
            return submission_score_with_program(
                claim=claim, scoring=program_scoring, finish=_finish
            )
    try:
        with Heartbeat(mine, every=HEARTBEAT_EVERY):
            result, records = _run(submission)
    except sandbox.SandboxUnavailable as exc:
        return submission_requeue_without_sandbox(claim=claim, reason=exc)
    except Exception as exc:
        logger.exception("submission %s: scoring could not start", submission.pk)
        _finish(
            claim,
            status=Status.FAILED,
            error=SCORER_FAILED,
            log=f"Scoring could not start: {exc!r}",
        )
        return Status.FAILED

    output = _parse(result.stdout)
    if result.timed_out:
        log = (
            f"Killed after the {settings.PODIUM_SCORING_TIMEOUT} s time limit.\n{_describe(result)}"
        )
        _finish(claim, status=Status.FAILED, error=SCORER_FAILED, log=log)
        return Status.FAILED
    if result.returncode == 0 and output and output.get("ok") is True and "scores" in output:
        _finish(
            claim,
            status=Status.SCORED,
            log=_describe(result),
            scores=scores_from_output(submission, output),
            records=records,
        )
        return Status.SCORED
    if result.returncode == 1 and output and output.get("ok") is False:
        _finish(
            claim,
            status=Status.FAILED,
            error=participant_error(output.get("errors", [])),
            log=_describe(result),
        )
        return Status.FAILED
    _finish(claim, status=Status.FAILED, error=SCORER_FAILED, log=_describe(result))
    return Status.FAILED


def _parse(stdout: bytes) -> dict | None:
    try:
        output = json.loads(stdout)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return output if isinstance(output, dict) else None
