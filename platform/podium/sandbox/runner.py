"""run_sandboxed / run_unsandboxed: pure functions of their arguments (no Django settings)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

from . import bwrap as bw
from .base import Identity, Limits, SandboxError, SandboxResult
from .privileges import current_task_count, make_preexec, plan_staging, readable
from .process import Captured, run_captured

# A bind's host path: a TypeVar, so that a dict[str, str] (Mapping keys are invariant) is accepted.
_Source = TypeVar("_Source", bound=str | os.PathLike)
_DEFAULT = object()  # "pick the identity for me": nobody when root, unchanged otherwise


def python_binds() -> dict[str, str]:
    """Read-only binds that make ``sys.executable`` work inside the sandbox at its own path:
    the venv (site-packages: numpy, scipy...) and the base installation it points to."""
    binds: dict[str, str] = {}
    for prefix in dict.fromkeys([sys.base_prefix, sys.prefix]):
        binds[prefix] = prefix
    return binds


def _result(captured: Captured, *, sandboxed: bool) -> SandboxResult:
    code = captured.returncode
    if sandboxed and 128 < code <= 128 + 64:
        code = -(code - 128)  # bwrap reports "killed by signal N" as 128+N
    return SandboxResult(
        returncode=code,
        stdout=captured.stdout,
        stderr=captured.stderr,
        stdout_truncated=captured.stdout_truncated,
        stderr_truncated=captured.stderr_truncated,
        timed_out=captured.timed_out,
        duration_s=captured.duration_s,
        sandboxed=sandboxed,
    )


def _nproc_for(limits: Limits, identity: Identity | None) -> Limits:
    if identity is None and os.getuid() != 0:
        # We keep the worker's uid, whose own processes (the Celery worker...) count against
        # RLIMIT_NPROC as well: grant the sandbox its quota on top of them.
        return replace(limits, processes=limits.processes + current_task_count(os.getuid()))
    return limits


def _check_sources(binds: Mapping[str, str], identity: Identity | None) -> dict[str, str]:
    resolved: dict[str, str] = {}
    for source, dest in binds.items():
        real = os.path.realpath(source)
        if not os.path.exists(real):
            raise SandboxError(f"bind source does not exist: {source}")
        if identity is not None and not readable(real, identity):
            raise SandboxError(f"bind source {source} is not readable by uid {identity.uid}")
        resolved[real] = str(dest)
    return resolved


def _check_output_dir(output_dir: str, identity: Identity | None) -> str:
    if os.path.islink(output_dir) or not os.path.isdir(output_dir):
        raise SandboxError(f"output dir must be a real directory: {output_dir}")
    st = os.stat(output_dir)
    uid = identity.uid if identity is not None else os.getuid()
    if uid != 0 and st.st_uid != uid:
        raise SandboxError(f"output dir {output_dir} must be owned by uid {uid} (see prepare_*)")
    return os.path.realpath(output_dir)


def run_sandboxed(
    argv: list[str],
    *,
    readonly_binds: Mapping[_Source, str],
    output_dir: str | os.PathLike | None = None,
    output_mount: str = bw.OUTPUT_MOUNT,
    limits: Limits = Limits(),  # noqa: B008 (frozen dataclass: a safe default)
    timeout_s: float,
    env: Mapping[str, str] | None = None,
    cwd: str = "/tmp",
    identity: Identity | object | None = _DEFAULT,
    bwrap: str = bw.DEFAULT_BWRAP,
    empty_dirs: Sequence[str] = (),
) -> SandboxResult:
    """Run ``argv`` under bubblewrap; paths in ``argv`` are paths *inside* the sandbox.

    ``readonly_binds`` maps host paths to sandbox paths; ``output_dir`` (host) is the only
    writable bind, seen at ``output_mount``; ``empty_dirs`` are empty read-only folders with no
    host side. ``env`` is added to BASE_ENV; nothing else from
    the worker's environment reaches the program or bwrap itself.
    """
    ident: Identity | None = Identity.default() if identity is _DEFAULT else identity  # type: ignore[assignment]
    binds = _check_sources({str(k): v for k, v in readonly_binds.items()}, ident)
    out = _check_output_dir(str(output_dir), ident) if output_dir is not None else None
    staged = plan_staging([*binds, *([out] if out else [])], ident)

    def host(path: str) -> str:
        return staged[path].stage if path in staged else path

    command = bw.build_argv(
        argv,
        bwrap=bwrap,
        readonly_binds={host(src): dest for src, dest in binds.items()},
        output_dir=host(out) if out else None,
        output_mount=output_mount,
        limits=limits,
        env={**bw.BASE_ENV, **(env or {})},
        cwd=cwd,
        empty_dirs=empty_dirs,
    )
    preexec = make_preexec(_nproc_for(limits, ident), ident, list(staged.values()))
    try:
        captured = run_captured(
            command,
            env={},  # bwrap's own environ is readable at /proc/1/environ without this
            cwd="/",
            timeout_s=timeout_s,
            output_cap=limits.output_bytes,
            preexec_fn=preexec,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SandboxError(f"could not start bubblewrap ({bwrap}): {exc}") from exc
    return _result(captured, sandboxed=True)


def run_unsandboxed(
    argv: list[str],
    *,
    limits: Limits = Limits(),  # noqa: B008
    timeout_s: float,
    env: Mapping[str, str] | None = None,
    cwd: str = "/",
) -> SandboxResult:
    """The explicit, opt-in fallback: empty environment, rlimits, a timeout that kills the
    process group, but no namespaces. The program sees the host's files and network, keeps the
    worker's uid (root is exempt from RLIMIT_NPROC) and can escape the group with setsid()."""
    captured = run_captured(
        argv,
        env={**bw.BASE_ENV, **(env or {})},
        cwd=cwd,
        timeout_s=timeout_s,
        output_cap=limits.output_bytes,
        preexec_fn=make_preexec(_nproc_for(limits, None), None, []),
    )
    return _result(captured, sandboxed=False)
