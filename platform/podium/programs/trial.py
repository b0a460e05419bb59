"""The admin's "test this program": a job runs one evaluation and stores its report.

The organiser's request only stores the uploaded file and enqueues the job (a program may run for
longer than the site's request timeout); the page then shows "running" until the report is there.
A trial never creates a submission, and program_evaluate runs each partition's reference
separately, exactly as scoring does.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from podium import sandbox
from podium.programs import enqueue
from podium.programs.execution import (
    PartitionRun,
    ResultsRefused,
    ScoringNotConfigured,
    program_evaluate,
)
from podium.programs.models import ProgramScoring, ProgramTrial
from podium.sandbox.conf import scoring_options

logger = logging.getLogger(__name__)

NO_BROKER = (
    "The job queue is unavailable, so the program was not run. Try again in a moment; if it "
    "persists, check that the broker and a worker are running."
)
LOST = (
    "The worker running this trial stopped before it finished (restarted or killed). Run it again."
)


# Past the site's scoring limit plus this, a trial still pending or running has no live worker
# behind it any more (the limit bounds every run of one evaluation together).
OVERDUE_GRACE_S = 120


def trial_overdue(trial: ProgramTrial, *, now=None) -> bool:
    """Whether an unfinished trial has waited longer than any run can last: its worker died
    and the broker has not (yet) delivered the job again, or no worker serves the queue."""
    if trial.finished:
        return False
    limit = scoring_options()["timeout_s"] + OVERDUE_GRACE_S
    return ((now or timezone.now()) - trial.created_at).total_seconds() > limit


def trial_start(
    *, scoring: ProgramScoring, split: str, upload: UploadedFile, user=None
) -> ProgramTrial:
    """Store the file and a pending trial, and enqueue the job once the row is committed."""
    trial = ProgramTrial(
        program=scoring.program,
        scoring=scoring,
        split=split,
        original_name=(upload.name or "")[:255],
        requested_by=user,
    )
    trial.results.save("upload", upload, save=False)
    trial.save()
    transaction.on_commit(lambda: _send(trial.pk), robust=True)
    return trial


def _send(trial_id: int) -> None:
    if not enqueue.trial_enqueue(trial_id=trial_id):
        _finish(trial_id, status=ProgramTrial.Status.FAILED, error=NO_BROKER)


def _run_record(run: PartitionRun) -> dict:
    return {
        "partition": run.partition,
        "ok": run.ok,
        "values": run.values,
        "extras": run.extras,
        "error": run.error,
        "per_item_note": run.per_item_note,
        "log": run.log(),  # stdout and stderr already cut to their last 20,000 bytes each
        "duration_s": run.result.duration_s if run.result is not None else None,
    }


def _finish(trial_id: int, **fields) -> None:
    trial = ProgramTrial.objects.filter(pk=trial_id).first()
    if trial is None:
        return
    ProgramTrial.objects.filter(pk=trial_id).update(
        finished_at=timezone.now(), results="", **fields
    )
    if trial.results:
        trial.results.delete(save=False)


def trial_run(*, trial_id: int, redelivered: bool = False) -> str | None:
    """Run a pending trial (the job). Returns its final status, or None if there was nothing to
    run (unknown, already finished, or run by another delivery)."""
    claimed = ProgramTrial.objects.filter(pk=trial_id, status=ProgramTrial.Status.PENDING).update(
        status=ProgramTrial.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        if (
            redelivered
            and ProgramTrial.objects.filter(
                pk=trial_id, status=ProgramTrial.Status.RUNNING
            ).exists()
        ):
            _finish(trial_id, status=ProgramTrial.Status.FAILED, error=LOST)
            return ProgramTrial.Status.FAILED
        return None
    trial = ProgramTrial.objects.select_related("scoring__subtask", "program__task").get(
        pk=trial_id
    )
    try:
        with tempfile.NamedTemporaryFile(prefix="podium-trial-") as copy:
            with trial.results.open("rb") as source:
                shutil.copyfileobj(source, copy)
            copy.flush()
            evaluation = program_evaluate(
                scoring=trial.scoring,
                split=trial.split,
                results_path=Path(copy.name),
                original_name=trial.original_name,
            )
    except (ResultsRefused, ScoringNotConfigured, sandbox.SandboxError) as exc:
        _finish(trial_id, status=ProgramTrial.Status.FAILED, error=str(exc))
        return ProgramTrial.Status.FAILED
    except Exception as exc:
        # Not the program's failure (those are in the runs): staging or storage broke. The
        # organiser sees that it broke; the traceback goes to the log.
        logger.exception("program trial %s broke", trial_id)
        _finish(
            trial_id,
            status=ProgramTrial.Status.FAILED,
            error=f"The trial could not run: {type(exc).__name__}: {exc}",
        )
        return ProgramTrial.Status.FAILED
    _finish(
        trial_id,
        status=ProgramTrial.Status.DONE,
        version=str(evaluation.version),
        runs=[_run_record(run) for run in evaluation.runs],
        duration_s=evaluation.duration_s,
    )
    return ProgramTrial.Status.DONE
