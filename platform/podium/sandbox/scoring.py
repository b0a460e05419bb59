"""run_scorer: ``python -m scorers score`` on one job directory, sandboxed or refused."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

from .base import Identity, Limits, SandboxError, SandboxResult
from .bwrap import DEFAULT_BWRAP, OUTPUT_MOUNT
from .files import grant_read, prepare_output_dir
from .identities import claimed_identity
from .policy import require_sandbox
from .runner import python_binds, run_sandboxed, run_unsandboxed

# Where the scorer package appears inside the sandbox. Not its host path: the package's parent
# in this checkout is the repository root, which also holds var/ (gold, media, the SQLite DB),
# so we bind the package directory alone under a neutral prefix and put that on PYTHONPATH.
LIB_MOUNT = "/opt/podium/lib"
JOB_MOUNT = "/job"


def module_dir(module: str) -> Path:
    """The package directory of ``module`` without importing it (no code runs in the worker)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SandboxError(f"scorer package {module!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _input(job_dir: Path, path: Path, role: str, identity: Identity | None) -> tuple[str, str]:
    """(host path, sandbox path) for one input; job copies are made readable by the sandbox."""
    real = path.resolve(strict=True)
    if not real.is_file():
        raise SandboxError(f"{role} file is not a regular file: {path}")
    if real.is_relative_to(job_dir.resolve()):
        grant_read(real, identity)
    # One directory per role: gold and prediction files often share a name (test.jsonl), and
    # readers pick the format from the extension, so the name is kept.
    return str(real), f"{JOB_MOUNT}/{role}/{real.name}"


def run_scorer(
    job_dir: Path,
    *,
    spec_path: Path,
    gold_path: Path,
    pred_path: Path,
    timeout_s: float,
    memory_mb: int,
    allow_unsandboxed: bool,
    output_dir: Path | None = None,
    limits: Limits | None = None,
    module: str = "scorers",
    bwrap: str = DEFAULT_BWRAP,
) -> SandboxResult:
    """Run ``python -m <module> score --spec S --gold G --pred P``; it prints one JSON object.

    Input files inside ``job_dir`` are job copies and get group-read for the sandbox gid;
    files elsewhere must already be readable by it. ``output_dir``, if given, must not exist:
    it is created empty and is the only writable bind (``/output`` inside). Raises
    SandboxUnavailable when bubblewrap cannot run and ``allow_unsandboxed`` is false.
    """
    limits = limits or Limits(cpu_s=max(1, math.ceil(timeout_s)), memory_mb=memory_mb)
    package = module_dir(module)
    # A uid of this run's own: RLIMIT_NPROC counts every task of the uid (sandbox.identities).
    with claimed_identity() as claimed:
        sandboxed = require_sandbox(
            allow_unsandboxed=allow_unsandboxed, bwrap=bwrap, identity=claimed
        )
        identity = claimed if sandboxed else None
        files = {
            role: _input(job_dir, path, role, identity)
            for role, path in (("spec", spec_path), ("gold", gold_path), ("pred", pred_path))
        }
        if output_dir is not None:
            prepare_output_dir(output_dir, identity)

        def argv(paths: dict[str, str], records: str | None) -> list[str]:
            flags = [arg for role in ("spec", "gold", "pred") for arg in (f"--{role}", paths[role])]
            # The output dir receives the per-item records the leaderboard's intervals need.
            flags += ["--records", records] if records else []
            return [sys.executable, "-m", module, "score", *flags]

        if not sandboxed:
            return run_unsandboxed(
                argv(
                    {role: host for role, (host, _) in files.items()},
                    None if output_dir is None else str(output_dir),
                ),
                limits=limits,
                timeout_s=timeout_s,
                env={"PYTHONPATH": str(package.parent)},
                cwd=str(job_dir),
            )
        binds = {
            **python_binds(),
            str(package): f"{LIB_MOUNT}/{package.name}",
            **dict(files.values()),
        }
        return run_sandboxed(
            argv(
                {role: inside for role, (_, inside) in files.items()},
                None if output_dir is None else OUTPUT_MOUNT,
            ),
            readonly_binds=binds,
            output_dir=output_dir,
            output_mount=OUTPUT_MOUNT,
            limits=limits,
            timeout_s=timeout_s,
            env={"PYTHONPATH": LIB_MOUNT},
            identity=identity,
            bwrap=bwrap,
        )
