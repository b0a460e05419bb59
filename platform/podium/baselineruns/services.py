"""Starting and running baselines: train, predict dev and test, submit as baseline rows.

The baseline trains in a child process (`python -m baselines run`), not inside the worker: torch
and its memory stay out of the long-lived worker, and a crash in training fails the run, not the
worker. The child runs through the sandbox package's process helper: its own process group,
killed whole at the time limit, both pipes drained (a chatty child cannot block on a full
stdout), and a clean environment (no SECRET_KEY, DATABASE_URL or broker credentials). Progress
events come back as JSON lines on the child's stderr.

A run claims its row like a scoring job does (queued -> running, with an attempt number), beats
a heartbeat while it trains, and stores its outcome only if its attempt is still the current
one; baselineruns/sweeper.py queues again a run whose worker died.
"""

import json
import logging
import os
import shutil
import sys
import time
from collections import deque
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from baselines.registry import METHODS
from podium.baselineruns import enqueue as baseline_jobs
from podium.baselineruns.models import BaselineRun
from podium.heartbeat import Heartbeat
from podium.sandbox.bwrap import BASE_ENV
from podium.sandbox.jobdirs import make_baseline_dir
from podium.sandbox.process import killed_with_parent, run_captured
from podium.sharedtasks.models import Dataset, Phase, Subtask
from podium.sharedtasks.specs import subtask_scorer_spec
from podium.submissions.models import Submission
from podium.submissions.uploads import submission_store_baseline

logger = logging.getLogger(__name__)

Status = BaselineRun.Status
NOT_TEXT = {"partition", "canary"}
PROGRESS_EVERY_S = 1.0
HEARTBEAT_EVERY = timedelta(seconds=5)
HEARTBEAT_LOST = 3 * HEARTBEAT_EVERY
LOG_LINES = 500
# The child's whole environment: the sandbox's base one, but with its thread counts left to the
# libraries (training wants every core), plus what finding the GPU, the installed code and the
# offline model caches needs. Nothing else of the worker's environment reaches it.
PASSED_THROUGH = (
    "HOME", "PYTHONPATH", "CUDA_VISIBLE_DEVICES", "HF_HOME", "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE", "TORCH_HOME", "XDG_CACHE_HOME",
)  # fmt: skip


class BaselineRefused(Exception):
    """The run cannot start; the message is for the organiser."""


def baseline_start(
    *, subtask: Subtask, method: str, by, params=None, seed: int = 0, enqueue: bool = True
) -> BaselineRun:
    """Record a run and send it to the `gpu` queue once committed (unless the caller runs it)."""
    if method not in METHODS:
        raise BaselineRefused(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    missing = {"train", "dev", "test"} - set(subtask.datasets.values_list("split", flat=True))
    if missing:
        raise BaselineRefused(f"{subtask} has no {', '.join(sorted(missing))} data yet.")
    run = BaselineRun.objects.create(
        subtask=subtask, method=method, params=params or {}, seed=seed, created_by=by
    )
    if enqueue:
        transaction.on_commit(lambda: baseline_jobs.baseline_enqueue(run_id=run.pk))
    return run


def text_fields(subtask: Subtask, train_path: Path) -> list[str]:
    """The input columns a baseline reads: string fields of the first training row that are not
    the id, the label, a group column or bookkeeping (the platform stores no such list)."""
    with open(train_path, encoding="utf-8-sig") as handle:
        first = json.loads(handle.readline())
    skip = {subtask.id_field, subtask.value_field, *subtask.answer_fields}
    skip |= {*subtask.group_fields, *NOT_TEXT}
    return [key for key, value in first.items() if key not in skip and isinstance(value, str)]


def _local(field, directory: Path, name: str) -> Path:
    target = directory / name
    with field.open("rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    return target


def _command(run: BaselineRun, work: Path) -> tuple[list[str], dict[str, Path]]:
    subtask = run.subtask
    data = {d.split: d for d in subtask.datasets.all()}
    paths = {
        "train": _local(data["train"].inputs, work, "train.jsonl"),
        "dev": _local(data["dev"].inputs, work, "dev.jsonl"),
        "dev_gold": _local(data["dev"].gold, work, "dev.gold.jsonl"),
        "test": _local(data["test"].inputs, work, "test.jsonl"),
        "spec": work / "spec.json",
        "dev_out": work / f"dev.pred.{subtask.file_format}",
        "test_out": work / f"test.pred.{subtask.file_format}",
    }
    paths["spec"].write_text(json.dumps(subtask_scorer_spec(subtask, split="dev")))
    params = dict(run.params)
    fields = params.pop("text_fields", None) or text_fields(subtask, paths["train"])
    argv = [
        sys.executable, "-m", "baselines", "run", "--method", run.method,
        "--spec", str(paths["spec"]), "--train", str(paths["train"]),
        "--dev", str(paths["dev"]), "--dev-gold", str(paths["dev_gold"]),
        "--test", str(paths["test"]), "--out", str(paths["test_out"]),
        "--dev-out", str(paths["dev_out"]), "--seed", str(run.seed),
        "--text-fields", ",".join(fields), "--progress", "json",
    ]  # fmt: skip
    argv += [
        arg for key, value in params.items() for arg in ("--param", f"{key}={json.dumps(value)}")
    ]
    return argv, paths


def child_env() -> dict[str, str]:
    env = {key: value for key, value in BASE_ENV.items() if not key.endswith("_NUM_THREADS")}
    env.update({key: os.environ[key] for key in PASSED_THROUGH if key in os.environ})
    return env


class Progress:
    """Reads the child's stderr as it arrives: JSON progress events (the latest saved about once
    a second, and always the dev and done stages) and other lines, kept for the log."""

    def __init__(self, rows):
        self.rows = rows
        self.pending = b""
        self.log: deque[str] = deque(maxlen=LOG_LINES)
        self.last_saved = 0.0

    def feed(self, chunk: bytes) -> None:
        *lines, self.pending = (self.pending + chunk).split(b"\n")
        for line in lines:
            self._line(line.decode("utf-8", errors="replace"))

    def close(self) -> None:
        if self.pending:
            self._line(self.pending.decode("utf-8", errors="replace"))
            self.pending = b""

    def _line(self, line: str) -> None:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            self.log.append(line)
            return
        if not isinstance(event, dict):
            return
        now = time.monotonic()
        if now - self.last_saved >= PROGRESS_EVERY_S or event.get("stage") in {"done", "dev"}:
            self.rows.update(progress=event)
            self.last_saved = now


def baseline_submit(*, run: BaselineRun, phase: Phase, path: Path) -> Submission:
    """A baseline's predictions as a submission: no team, no quota, scored like any other."""
    content = path.read_bytes()
    return submission_store_baseline(
        user=run.created_by,
        phase=phase,
        subtask=run.subtask,
        upload=SimpleUploadedFile(f"{run.method}{path.suffix}", content),
        method_name=f"{run.method}",
        description=f"Baseline run #{run.pk}: {METHODS[run.method].description}",
    )


def baseline_claim(*, run_id: int) -> int | None:
    """queued -> running (or a running run whose heartbeat stopped: its worker died); returns
    the attempt number, or None when there is nothing to claim.

    A run that still beats is never taken over, even by a redelivered message: Redis hands a
    message back after its visibility timeout, which a long training can outlast.
    """
    now = timezone.now()
    silent = now - HEARTBEAT_LOST
    dead = Q(status=Status.RUNNING) & (
        Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, started_at__lt=silent)
    )
    claimed = BaselineRun.objects.filter(Q(status=Status.QUEUED) | dead, pk=run_id).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return BaselineRun.objects.values_list("attempts", flat=True).get(pk=run_id)


def baseline_execute(*, run_id: int) -> str | None:
    """Run a queued baseline to the end; returns its final status, or None if not claimed."""
    attempt = baseline_claim(run_id=run_id)
    if attempt is None:
        return None
    mine = BaselineRun.objects.filter(pk=run_id, status=Status.RUNNING, attempts=attempt)
    run = BaselineRun.objects.select_related("subtask__task").get(pk=run_id)
    # Named after this process, so a sweep removes it if the worker dies mid-run (no `finally`).
    work = make_baseline_dir()
    progress = Progress(mine)
    try:
        argv, paths = _command(run, work)
        with Heartbeat(mine, every=HEARTBEAT_EVERY):
            captured = run_captured(
                argv,
                env=child_env(),
                cwd=str(work),
                timeout_s=settings.PODIUM_BASELINE_TIMEOUT,
                output_cap=64 * 1024 * 1024,
                preexec_fn=killed_with_parent(),
                on_stderr=progress.feed,
            )
        progress.close()
        if captured.timed_out:
            return _fail(mine, "killed at the time limit", progress.log)
        if captured.returncode != 0:
            return _fail(mine, f"exit code {captured.returncode}", progress.log)
        result = json.loads(captured.stdout)
        with transaction.atomic():
            if not mine.select_for_update().exists():
                logger.info("baseline run %s: attempt %s was superseded", run_id, attempt)
                return None
            phases = run.subtask.task.phases.filter(
                split__in=[Dataset.Split.DEV, Dataset.Split.TEST]
            )
            submissions = [
                baseline_submit(
                    run=run,
                    phase=phase,
                    path=paths["dev_out" if phase.split == "dev" else "test_out"],
                )
                for phase in phases
            ]
            run.submissions.set(submissions)
            mine.update(
                status=Status.DONE,
                finished_at=timezone.now(),
                dev_scores=result.get("dev_scores") or {},
                device=str(result.get("device", "")),
                log="\n".join(progress.log),
            )
        return Status.DONE
    except Exception as exc:  # any failure ends the run, with the reason in its log
        logger.exception("baseline run %s failed", run_id)
        return _fail(mine, repr(exc), progress.log)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fail(mine, reason: str, log) -> str | None:
    """Fail this attempt (not a newer one) with the reason after the tail of the child's output."""
    failed = mine.update(
        status=Status.FAILED, finished_at=timezone.now(), log="\n".join([*log, reason])
    )
    return Status.FAILED if failed else None
