"""Job directories (copies of gold) are private to the worker and the sandbox uid, and what a
killed worker leaves behind is removed at worker start and by the sweeper."""

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

from podium.sandbox import Identity, grant_read, job_dirs_sweep, make_job_dir

HOUR = 3600.0


@pytest.fixture
def tmp_root(tmp_path, monkeypatch) -> Path:
    """The default job root moves into the test's folder (tempfile.gettempdir() reads this)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path / "podium-jobs"


def orphan(parent: Path) -> Path:
    """A job directory with a gold copy, made by a process that is then killed (SIGKILL)."""
    code = (
        "import sys, time; from podium.sandbox import make_job_dir; "
        "d = make_job_dir(sys.argv[1]); (d / 'gold.jsonl').write_text('gold'); "
        "print(d, flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(parent)], stdout=subprocess.PIPE, text=True
    )
    path = Path(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (path / "gold.jsonl").exists()
    return path


def test_a_job_directory_is_closed_to_other_users(tmp_path):
    job = make_job_dir(tmp_path)
    mode = stat.S_IMODE(job.stat().st_mode)
    assert mode & 0o007 == 0, oct(mode)  # others may not list, read or traverse
    assert mode & 0o040 == 0, oct(mode)  # the sandbox group may traverse, never list
    identity = Identity.default()
    if identity is not None:
        assert job.stat().st_gid == identity.gid and mode == 0o710
        gold = job / "gold.jsonl"
        gold.write_text("gold")
        grant_read(gold, identity)
        assert stat.S_IMODE(gold.stat().st_mode) == 0o640
    else:
        assert mode == 0o700


def test_the_sweep_removes_a_dead_workers_directory_and_keeps_live_ones(tmp_path):
    dead = orphan(tmp_path)
    mine = make_job_dir(tmp_path)
    removed = job_dirs_sweep(max_age_s=HOUR, parent=tmp_path)
    assert removed == [dead] and not dead.exists()
    assert mine.exists()


def test_the_sweep_removes_directories_older_than_a_run_can_last(tmp_path):
    root = tmp_path
    mine = make_job_dir(root)
    assert job_dirs_sweep(max_age_s=HOUR, parent=root) == []
    assert job_dirs_sweep(max_age_s=HOUR, parent=root, now=time.time() + 2 * HOUR) == [mine]


def test_the_sweep_leaves_other_files_alone(tmp_path):
    root = tmp_path
    (root / "notes.txt").write_text("x")
    (root / "podium-job-elsewhere-1-abc").mkdir()  # another host's: only age removes it
    assert job_dirs_sweep(max_age_s=HOUR, parent=root) == []
    assert sorted(os.listdir(root)) == ["notes.txt", "podium-job-elsewhere-1-abc"]


@pytest.mark.filterwarnings("ignore:DjangoFixup.on_worker_init called without a sender")
def test_a_starting_worker_removes_leftovers(tmp_root):
    dead = orphan(tmp_root)
    worker_init.send(sender=None)
    assert tmp_root.is_dir()
    assert not dead.exists()


@pytest.mark.django_db
def test_the_submission_sweeper_removes_leftovers(tmp_root):
    from podium.submissions.sweeper import submissions_sweep

    dead = orphan(tmp_root)
    submissions_sweep()
    assert not dead.exists()
