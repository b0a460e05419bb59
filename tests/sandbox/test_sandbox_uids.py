"""Each sandbox run has a uid of its own, so one run's fork bomb cannot starve the others:
RLIMIT_NPROC counts every task of the real uid, host-wide (podium.sandbox.identities)."""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from podium.sandbox import Limits, make_job_dir
from podium.sandbox.identities import claimed_identity, uid_pool
from podium.sandbox.privileges import current_task_count
from podium.sandbox.programs import ProgramDirs, run_program

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="only a root worker hands out uids")

# Children that sleep: the bomb holds its tasks until it is killed or they wake.
BOMB = """
import os, sys, time
for _ in range(200):
    try:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
    except OSError:
        break
print("holding", flush=True)
time.sleep(20)
"""


def dirs(tmp_path, name: str, program: str) -> ProgramDirs:
    job = make_job_dir(str(tmp_path))
    for sub in ("program", "ref", "res"):
        (job / sub).mkdir()
    (job / "program" / "run.py").write_text(program)
    return ProgramDirs(
        program=job / "program",
        ref=job / "ref",
        res=job / "res",
        output=job / f"output-{name}",
        shared=job / "shared",
    )


def run(d: ProgramDirs, limits: Limits, timeout_s: float = 40):
    return run_program(
        "python3 /app/program/run.py",
        dirs=d,
        timeout_s=timeout_s,
        memory_mb=1024,
        allow_unsandboxed=False,
        limits=limits,
    )


@root_only
def test_claims_held_at_once_get_different_uids_and_are_released():
    with claimed_identity() as first, claimed_identity() as second:
        assert first.uid != second.uid and {first.uid, second.uid} <= set(uid_pool())
        assert first.gid == second.gid == 65534  # the shared gid job copies are readable to
        # Another process of the host (another worker) cannot take either of them.
        code = (
            "from podium.sandbox.identities import claimed_identity\n"
            "with claimed_identity() as i: print(i.uid)"
        )
        other = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert int(other.stdout) not in (first.uid, second.uid)
    with claimed_identity() as again:
        assert again.uid in uid_pool()


def test_without_a_sandbox_or_root_no_uid_is_claimed():
    with claimed_identity(sandboxed=False) as identity:
        assert identity is None


def test_the_uid_range_is_read_from_the_setting_and_checked(monkeypatch):
    monkeypatch.setenv("PODIUM_SANDBOX_UIDS", "2000000000-2000000003")
    assert uid_pool() == range(2_000_000_000, 2_000_000_004)
    for bad in ("12", "5-9", "2000-1000", "a-b"):
        with pytest.raises(ValueError, match="PODIUM_SANDBOX_UIDS must be FIRST-LAST"):
            uid_pool(bad)


@root_only
@pytest.mark.usefixtures("sandbox")
def test_a_fork_bomb_in_one_run_does_not_fail_a_run_that_starts_meanwhile(tmp_path):
    limits = Limits(processes=16, cpu_s=30, memory_mb=1024)
    bomb_dirs = dirs(tmp_path, "bomb", BOMB)
    bomb: dict = {}
    thread = threading.Thread(target=lambda: bomb.update(result=run(bomb_dirs, limits, 8)))
    thread.start()
    try:
        # Wait until some uid of the pool (or nobody's) holds the bomb's full quota of tasks.
        candidates = [*uid_pool(), 65534]
        deadline = time.monotonic() + 20
        while max(current_task_count(uid) for uid in candidates) < limits.processes - 1:
            assert time.monotonic() < deadline, "the bomb never filled its process limit"
            time.sleep(0.1)
        honest = run(dirs(tmp_path, "honest", "print('scored')"), limits)
        assert honest.ok and honest.stdout.strip() == b"scored", honest.stderr
    finally:
        thread.join()
    assert bomb["result"].timed_out  # the bomb itself was held to its limit and stopped


@root_only
def test_workers_with_another_tmp_but_the_same_lock_folder_never_share_a_uid(tmp_path):
    """Two containers on one kernel: each has its own /tmp, the compose file mounts one volume
    at the lock folder of both. Emulated with two TMPDIRs whose lock folders are one."""
    if not shutil.which("unshare"):
        pytest.skip("needs util-linux unshare")
    shared = tmp_path / "volume"
    shared.mkdir(mode=0o755)  # a fresh volume is 0755: made private on first use
    for name in ("a", "b"):
        (tmp_path / name / "podium-sandbox-uids").mkdir(parents=True)
    code = (
        "import sys\nfrom podium.sandbox.identities import claimed_identity\n"
        "with claimed_identity() as i:\n    print(i.uid, flush=True)\n    sys.stdin.read()\n"
    )
    # Each "container" binds the volume on its own /tmp's lock folder, in a mount namespace.
    mount = 'mount --bind "$0" "$TMPDIR/podium-sandbox-uids" && exec "$1" -c "$2"'
    env = {**os.environ, "PODIUM_SANDBOX_UIDS": "1900000100-1900000101"}
    holders = [
        subprocess.Popen(
            [
                "unshare",
                "-m",
                "--propagation",
                "private",
                "sh",
                "-c",
                mount,
                str(shared),
                sys.executable,
                code,
            ],
            env={**env, "TMPDIR": str(tmp_path / name)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    try:
        uids = [int(holder.stdout.readline()) for holder in holders]
    finally:
        for holder in holders:
            holder.communicate("")
    assert sorted(uids) == [1900000100, 1900000101]


@root_only
def test_the_probe_runs_as_a_uid_real_runs_use(monkeypatch):
    from podium.sandbox import policy

    seen = []
    monkeypatch.setattr(policy, "probe_sandbox", lambda bwrap, identity: seen.append(identity))
    policy.sandbox_available()
    assert seen[0] is not None and seen[0].uid in uid_pool()


def test_the_compose_worker_replicas_share_the_uid_locks():
    import yaml

    from podium.sandbox.identities import LOCK_DIR_NAME

    compose = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "docker" / "compose.yaml").read_text()
    )
    worker = compose["services"]["worker"]
    assert worker["deploy"]["replicas"] > 1
    mounts = {volume.split(":", 1)[1]: volume.split(":", 1)[0] for volume in worker["volumes"]}
    assert mounts[f"/tmp/{LOCK_DIR_NAME}"] in compose["volumes"]  # a named volume, shared
