"""Starting and running baselines: train, predict dev and test, submit as baseline rows.

The baseline trains in a child process (`python -m baselines run`), not inside the worker: torch
and its memory stay out of the long-lived worker, and a crash in training fails the run, not the
worker. Progress events come back as JSON lines on the child's stderr.
"""

import json
import logging
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from baselines.registry import METHODS
from podium.baselineruns.models import BaselineRun
from podium.sharedtasks.models import Dataset, Phase, Subtask
from podium.sharedtasks.specs import subtask_scorer_spec
from podium.submissions.models import Submission

logger = logging.getLogger(__name__)

Status = BaselineRun.Status
NOT_TEXT = {"partition", "canary"}
PROGRESS_EVERY_S = 1.0


class BaselineRefused(Exception):
    """The run cannot start; the message is for the organiser."""


def baseline_start(
    *, subtask: Subtask, method: str, by, params=None, seed: int = 0, enqueue: bool = True
) -> BaselineRun:
    """Record a run and send it to the `gpu` queue once committed (unless the caller runs it)."""
    from podium.baselineruns.tasks import run_baseline

    if method not in METHODS:
        raise BaselineRefused(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    missing = {"train", "dev", "test"} - set(subtask.datasets.values_list("split", flat=True))
    if missing:
        raise BaselineRefused(f"{subtask} has no {', '.join(sorted(missing))} data yet.")
    run = BaselineRun.objects.create(
        subtask=subtask, method=method, params=params or {}, seed=seed, created_by=by
    )
    if enqueue:
        transaction.on_commit(lambda: run_baseline.delay(run.pk))
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


def _follow(run: BaselineRun, process: subprocess.Popen, log: list[str]) -> None:
    """Read progress events from the child, saving the latest one about once a second."""
    last_saved = 0.0
    for line in process.stderr:
        line = line.rstrip("\n")
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            log.append(line)
            continue
        if not isinstance(event, dict):
            continue
        now = time.monotonic()
        if now - last_saved >= PROGRESS_EVERY_S or event.get("stage") in {"done", "dev"}:
            BaselineRun.objects.filter(pk=run.pk).update(progress=event)
            last_saved = now


def baseline_submit(*, run: BaselineRun, phase: Phase, path: Path) -> Submission:
    """A baseline's predictions as a submission: no team, no quota, scored like any other."""
    from podium.submissions.uploads import submission_store_baseline

    content = path.read_bytes()
    return submission_store_baseline(
        user=run.created_by,
        phase=phase,
        subtask=run.subtask,
        upload=SimpleUploadedFile(f"{run.method}{path.suffix}", content),
        method_name=f"{run.method}",
        description=f"Baseline run #{run.pk}: {METHODS[run.method].description}",
    )


def baseline_execute(*, run_id: int) -> str | None:
    """Run a queued baseline to the end; returns its final status, or None if not claimed."""
    claimed = BaselineRun.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = BaselineRun.objects.select_related("subtask__task").get(pk=run_id)
    work = Path(tempfile.mkdtemp(prefix="podium-baseline-"))
    log: list[str] = []
    try:
        argv, paths = _command(run, work)
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work
        )
        # Progress is read until the child closes stderr; the timer bounds a child that hangs.
        watchdog = threading.Timer(settings.PODIUM_BASELINE_TIMEOUT, process.kill)
        watchdog.start()
        try:
            _follow(run, process, log)
            stdout = process.stdout.read()
            code = process.wait()
        finally:
            watchdog.cancel()
        if code != 0:
            ended = "killed at the time limit" if code < 0 else f"exit code {code}"
            return _fail(run, ended, log)
        result = json.loads(stdout)
        with transaction.atomic():
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
            BaselineRun.objects.filter(pk=run.pk).update(
                status=Status.DONE,
                finished_at=timezone.now(),
                dev_scores=result.get("dev_scores") or {},
                device=str(result.get("device", "")),
                log="\n".join(log[-500:]),
            )
        return Status.DONE
    except Exception as exc:  # any failure ends the run, with the reason in its log
        logger.exception("baseline run %s failed", run_id)
        return _fail(run, repr(exc), log)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fail(run: BaselineRun, reason: str, log: list[str]) -> str:
    BaselineRun.objects.filter(pk=run.pk).update(
        status=Status.FAILED, finished_at=timezone.now(), log="\n".join([*log[-500:], reason])
    )
    return Status.FAILED
