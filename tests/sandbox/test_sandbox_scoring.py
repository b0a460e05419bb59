"""run_scorer: the scoring CLI in the sandbox, and the refusal when there is no sandbox."""

import importlib.util
import json
import logging
import os
import stat
import subprocess
import uuid

import pytest

from podium.sandbox import SandboxUnavailable, make_job_dir, run_scorer
from podium.sandbox.identities import uid_pool
from podium.sandbox.policy import probe_sandbox

STAND_IN = """
import json, os, sys
args = dict(zip(sys.argv[2::2], sys.argv[3::2]))
rows = {k: sum(1 for _ in open(args["--" + k])) for k in ("gold", "pred")}
spec = json.load(open(args["--spec"]))
print(json.dumps({"rows": rows, "metric": spec["metric"], "args": args,
                  "secret": os.environ.get("PODIUM_FAKE_SECRET"), "uid": os.getuid()}))
"""


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    """A tiny `python -m fakescorers score ...` that counts lines and echoes what it saw."""
    package = tmp_path / "lib" / "fakescorers"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(STAND_IN)
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    return "fakescorers"


@pytest.fixture
def job(tmp_path):
    job_dir = make_job_dir(str(tmp_path))
    (job_dir / "spec.json").write_text(json.dumps({"metric": "accuracy"}))
    (job_dir / "test.jsonl").write_text('{"id": 1, "label": "a"}\n{"id": 2, "label": "b"}\n')
    (job_dir / "pred").mkdir()
    (job_dir / "pred" / "test.jsonl").write_text('{"id": 1, "label": "a"}\n')
    for path in job_dir.rglob("*"):
        if path.is_file():
            path.chmod(0o600)  # the worker's default umask may leave them private
    return job_dir


def _paths(job_dir):
    return {
        "spec_path": job_dir / "spec.json",
        "gold_path": job_dir / "test.jsonl",
        "pred_path": job_dir / "pred" / "test.jsonl",
    }


@pytest.mark.usefixtures("sandbox")
def test_run_scorer_runs_the_module_sandboxed(stand_in, job, monkeypatch):
    monkeypatch.setenv("PODIUM_FAKE_SECRET", "s3cr3t")
    result = run_scorer(
        job, **_paths(job), timeout_s=30, memory_mb=1024, allow_unsandboxed=False, module=stand_in
    )
    assert result.ok and result.sandboxed, result.stderr
    seen = json.loads(result.stdout)
    assert seen["rows"] == {"gold": 2, "pred": 1} and seen["metric"] == "accuracy"
    # Gold and prediction share a file name; each keeps it in its own directory.
    assert seen["args"]["--gold"] == "/job/gold/test.jsonl"
    assert seen["args"]["--pred"] == "/job/pred/test.jsonl"
    assert seen["secret"] is None
    if os.geteuid() == 0:
        assert seen["uid"] in uid_pool()  # a uid of its own, not the worker's (root)
        # Job copies became group-readable for the sandbox gid, not world-readable.
        mode = (job / "test.jsonl").stat().st_mode
        assert stat.S_IMODE(mode) == 0o640


@pytest.mark.usefixtures("sandbox")
def test_run_scorer_kills_a_hanging_scorer_at_the_timeout(tmp_path, job, monkeypatch):
    package = tmp_path / "lib" / "hangscorers"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("import time\ntime.sleep(300)\n")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    result = run_scorer(
        job, **_paths(job), timeout_s=1, memory_mb=512, allow_unsandboxed=False,
        module="hangscorers",
    )  # fmt: skip
    assert result.timed_out and result.killed_by_limit == "timeout"
    assert 0.9 <= result.duration_s < 15


@pytest.mark.usefixtures("sandbox")
def test_real_scorers_cli_runs_in_the_sandbox(job):
    if importlib.util.find_spec("scorers.__main__") is None:
        pytest.skip("scorers.__main__ does not exist yet")
    (job / "spec.json").write_text(
        json.dumps({"format": "jsonl", "id_field": "id", "value_field": "label",
                    "value_type": "label", "labels": ["a", "b"], "metrics": ["accuracy"],
                    "primary": "accuracy"})
    )  # fmt: skip
    (job / "pred" / "test.jsonl").write_text('{"id": 1, "label": "a"}\n{"id": 2, "label": "a"}\n')
    result = run_scorer(job, **_paths(job), timeout_s=60, memory_mb=2048, allow_unsandboxed=False)
    stderr = result.stderr.decode("utf-8", "replace")
    # The sandbox found the package, its dependencies (numpy) and the inputs.
    assert "No module named" not in stderr and "bwrap:" not in stderr, stderr
    assert result.ok and result.sandboxed, stderr
    assert "accuracy" in json.loads(result.stdout)["scores"]["all"]["overall"]


def test_refuses_to_score_when_bubblewrap_cannot_run(stand_in, job, tmp_path, caplog):
    fake = str(tmp_path / "no-such-bwrap")
    with pytest.raises(SandboxUnavailable) as excinfo:
        run_scorer(
            job, **_paths(job), timeout_s=5, memory_mb=512, allow_unsandboxed=False,
            module=stand_in, bwrap=fake,
        )  # fmt: skip
    message = str(excinfo.value)
    assert "Refusing" in message and fake in message
    assert "PODIUM_ALLOW_UNSANDBOXED_SCORING" in message
    assert "sandbox is unavailable" in caplog.text


def test_a_bwrap_that_fails_counts_as_unavailable(tmp_path):
    # Installed but unusable (user namespaces disabled): the probe runs it, not just finds it.
    fake = tmp_path / "bwrap"
    fake.write_text(
        "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    reason = probe_sandbox(str(fake))
    assert reason is not None and "No permissions" in reason


def test_runs_unsandboxed_with_a_loud_warning_when_allowed(stand_in, job, tmp_path, caplog,
                                                         monkeypatch):  # fmt: skip
    monkeypatch.setenv("PODIUM_FAKE_SECRET", "s3cr3t")
    caplog.set_level(logging.WARNING, logger="podium.sandbox")
    result = run_scorer(
        job, **_paths(job), timeout_s=30, memory_mb=1024, allow_unsandboxed=True,
        module=stand_in, bwrap=str(tmp_path / "no-such-bwrap"),
    )  # fmt: skip
    assert result.ok and not result.sandboxed, result.stderr
    seen = json.loads(result.stdout)
    assert seen["rows"] == {"gold": 2, "pred": 1}
    assert seen["secret"] is None  # the empty environment still applies
    assert "UNSANDBOXED SCORING" in caplog.text
    assert any(r.levelno == logging.WARNING for r in caplog.records)


def test_unsandboxed_timeout_still_kills_the_process_group(job):
    from podium.sandbox import run_unsandboxed

    marker = f"podium-unsandboxed-{uuid.uuid4().hex}"
    script = f"sleep 100 & sleep 101; echo {marker}"
    result = run_unsandboxed(["/bin/sh", "-c", script], timeout_s=1, cwd=str(job))
    assert result.timed_out and 0.9 <= result.duration_s < 15
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert found.stdout == "", f"leftover processes: {found.stdout}"
