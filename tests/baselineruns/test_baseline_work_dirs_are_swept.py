"""A baseline run's work directory (copies of the data, the model, the predictions) that a killed
worker leaves behind is removed at worker start and by the baseline sweeper, as scoring job
directories are; a live run's directory is never removed."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from celery.signals import worker_init

from podium.baselineruns import services
from podium.baselineruns.services import baseline_execute, baseline_start
from podium.baselineruns.sweeper import baselines_sweep
from podium.sandbox import job_dirs_sweep, make_baseline_dir, make_job_dir
from podium.sandbox.conf import baseline_dirs_sweep_with_settings
from podium.sandbox.jobdirs import BASELINE_PREFIX

HOUR = 3600.0

HOLDER = (
    "import sys, time; from podium.sandbox import make_baseline_dir; "
    "d = make_baseline_dir(sys.argv[1] if len(sys.argv) > 1 else None); "
    "(d / 'train.jsonl').write_text('data'); print(d, flush=True); time.sleep(60)"
)


@pytest.fixture
def tmp_root(tmp_path, monkeypatch) -> Path:
    """The default root moves into the test's folder (tempfile.gettempdir() reads TMPDIR, which
    the child processes inherit; tempfile.tempdir is this process's cached answer)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path / "podium-jobs"


def holder(parent: Path | None = None) -> tuple[subprocess.Popen, Path]:
    """A process holding a baseline work directory with a data copy in it, as a training run."""
    args = [sys.executable, "-c", HOLDER, *([str(parent)] if parent else [])]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    path = Path(proc.stdout.readline().strip())
    assert (path / "train.jsonl").exists()
    return proc, path


def orphan(parent: Path | None = None) -> Path:
    """A baseline work directory whose process was killed mid-run (SIGKILL: no `finally`)."""
    proc, path = holder(parent)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert path.exists()
    return path


def test_a_baseline_directory_is_private_and_named_for_its_process(tmp_path):
    work = make_baseline_dir(tmp_path)
    assert stat.S_IMODE(work.stat().st_mode) == 0o700
    assert work.name.startswith(BASELINE_PREFIX) and f"-{os.getpid()}-" in work.name


def test_the_sweep_removes_a_dead_runs_directory_and_keeps_live_ones(tmp_path):
    dead = orphan(tmp_path)
    live_proc, live = holder(tmp_path)
    try:
        mine = make_baseline_dir(tmp_path)
        job = make_job_dir(tmp_path)
        removed = job_dirs_sweep(max_age_s=HOUR, parent=tmp_path, prefix=BASELINE_PREFIX)
        assert removed == [dead] and not dead.exists()
        assert live.exists() and mine.exists() and job.exists()  # a job dir is not its kind
    finally:
        live_proc.kill()
        live_proc.wait()


@pytest.mark.filterwarnings("ignore:DjangoFixup.on_worker_init called without a sender")
def test_a_starting_worker_removes_a_killed_runs_directory(tmp_root):
    dead = orphan()
    live_proc, live = holder()
    try:
        assert dead.parent == tmp_root == live.parent
        worker_init.send(sender=None)
        assert not dead.exists()
        assert live.exists()
    finally:
        live_proc.kill()
        live_proc.wait()


@pytest.mark.django_db
def test_the_baseline_sweeper_removes_a_killed_runs_directory(tmp_root):
    dead = orphan()
    live_proc, live = holder()
    try:
        baselines_sweep()
        assert not dead.exists()
        assert live.exists()
    finally:
        live_proc.kill()
        live_proc.wait()


@pytest.mark.django_db
def test_the_sweep_takes_a_directory_older_than_a_run_can_last(tmp_root, settings):
    settings.PODIUM_BASELINE_TIMEOUT = 60
    mine = make_baseline_dir()
    baselines_sweep()
    assert mine.exists()  # this process is alive and the directory young
    old = time.time() - 60 - 601
    os.utime(mine, (old, old))
    baselines_sweep()
    assert not mine.exists()


@pytest.mark.django_db
def test_a_run_trains_in_a_directory_the_sweeps_know_and_survives_a_sweep_mid_run(
    cast, tmp_root, monkeypatch
):
    seen = {}
    real = services.run_captured

    def sweeping_mid_run(argv, *, cwd, **options):
        seen["cwd"] = Path(cwd)
        baselines_sweep()  # the baseline sweeper while this run trains
        baseline_dirs_sweep_with_settings()  # what a worker starting on this host runs
        assert Path(cwd).is_dir()
        return real(argv, cwd=cwd, **options)

    monkeypatch.setattr(services, "run_captured", sweeping_mid_run)
    run = baseline_start(subtask=cast.subtask, method="tfidf-lr", by=cast.organiser, enqueue=False)
    assert baseline_execute(run_id=run.pk) == "done"
    work = seen["cwd"]
    assert work.parent == tmp_root and work.name.startswith(BASELINE_PREFIX)
    assert not work.exists()  # removed by the run's own `finally`
