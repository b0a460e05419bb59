"""run_program: an organiser's scoring program with the Codabench / CodaLab layout.

The program sees exactly what those platforms give a scoring program: its own files at
``/app/program``, the reference data at ``/app/input/ref``, the participant's files at
``/app/input/res``, a writable ``/app/output`` and an empty ``/app/shared``. Its ``command:``
runs through ``/bin/sh`` in ``/app/program`` after the legacy placeholders are substituted.
No Django here: the caller passes limits and staged host directories.
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from .base import Identity, Limits, SandboxResult
from .bwrap import DEFAULT_BWRAP
from .files import prepare_output_dir
from .identities import claimed_identity
from .policy import require_sandbox
from .runner import python_binds, run_sandboxed, run_unsandboxed

APP = "/app"
PROGRAM_MOUNT = f"{APP}/program"
INPUT_MOUNT = f"{APP}/input"
REF_MOUNT = f"{INPUT_MOUNT}/ref"
RES_MOUNT = f"{INPUT_MOUNT}/res"
OUTPUT_MOUNT = f"{APP}/output"
SHARED_MOUNT = f"{APP}/shared"
INGESTED_MOUNT = f"{APP}/ingested_program"
INGESTION_MOUNT = f"{APP}/ingestion_program"

# The placeholders CodaLab v1.5 and Codabench rewrite in a program's `command:`. `$hidden` is
# the reference data (CodaLab's ingestion programs see it there); the two program placeholders
# exist for code submissions, which Podium does not run: they point at paths that do not exist,
# so a program relying on them fails with "No such file" rather than silently doing nothing.
PLACEHOLDERS: dict[str, str] = {
    "program": PROGRAM_MOUNT,
    "input": INPUT_MOUNT,
    "output": OUTPUT_MOUNT,
    "shared": SHARED_MOUNT,
    "hidden": REF_MOUNT,
    "tmp": "/tmp",
    "submission_program": INGESTED_MOUNT,
    "ingestion_program": INGESTION_MOUNT,
}
_PLACEHOLDER = re.compile(r"\$(\w+)")


def substitute(command: str, values: dict[str, str] | None = None) -> str:
    """Replace ``$program``, ``$input``... (whole words only: ``$inputs`` is left alone, like
    any shell variable the program's own script may use)."""
    values = values or PLACEHOLDERS

    def swap(match: re.Match) -> str:
        return values.get(match.group(1), match.group(0))

    return _PLACEHOLDER.sub(swap, command)


@dataclass(frozen=True)
class ProgramDirs:
    """Host directories of one run, all inside the worker's job directory."""

    program: Path
    ref: Path
    res: Path
    output: Path  # must not exist yet: created empty for the program
    # Created empty for an unsandboxed run only. Sandboxed, /app/shared is an empty read-only
    # folder of the sandbox's own root: one host folder less to make and remove per run (each
    # rmdir cost 3-4 ms on the development machine's ext4, which discards freed blocks at once).
    shared: Path


def runtime_path() -> str:
    """PATH inside the sandbox: the scoring runtime's ``python`` / ``python3`` first, then the
    system (``perl``, ``sh``...)."""
    return f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin"


def grant_tree_read(root: Path, identity: Identity | None) -> None:
    """Make a staged tree readable by the sandbox uid without making it world-readable: group
    = the sandbox gid, files 0640 (0750 if executable), directories 0750. Staging never
    creates symlinks or special files (unpack refuses them), so anything else is an error."""
    if identity is None:
        return
    for path in [root, *root.rglob("*")]:
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            mode = 0o750
        elif stat.S_ISREG(st.st_mode):
            mode = 0o750 if st.st_mode & 0o100 else 0o640
        else:
            raise OSError(f"staged path is not a file or directory: {path}")
        os.chown(path, -1, identity.gid)
        os.chmod(path, mode)


def run_program(
    command: str,
    *,
    dirs: ProgramDirs,
    timeout_s: float,
    memory_mb: int,
    allow_unsandboxed: bool,
    limits: Limits | None = None,
    bwrap: str = DEFAULT_BWRAP,
) -> SandboxResult:
    """Run ``command`` (the program's ``metadata`` line) once, for one partition's reference.

    Unsandboxed (the explicit development escape hatch) the placeholders point at the host
    directories instead, so only programs that use placeholders rather than ``/app/...``
    absolute paths work there.
    """
    limits = limits or Limits(cpu_s=max(1, math.ceil(timeout_s)), memory_mb=memory_mb)
    # A uid of this run's own: RLIMIT_NPROC counts every task of the uid (sandbox.identities).
    with claimed_identity() as claimed:
        sandboxed = require_sandbox(
            allow_unsandboxed=allow_unsandboxed, bwrap=bwrap, identity=claimed
        )
        identity = claimed if sandboxed else None
        prepare_output_dir(dirs.output, identity)
        for tree in (dirs.program, dirs.ref, dirs.res):
            grant_tree_read(tree, identity)
        env = {"PATH": runtime_path()}
        if not sandboxed:
            dirs.shared.mkdir(mode=0o750)
            host = {
                **PLACEHOLDERS,
                "program": str(dirs.program),
                "input": str(dirs.ref.parent),
                "output": str(dirs.output),
                "shared": str(dirs.shared),
                "hidden": str(dirs.ref),
            }
            return run_unsandboxed(
                ["/bin/sh", "-c", substitute(command, host)],
                limits=limits,
                timeout_s=timeout_s,
                env=env,
                cwd=str(dirs.program),
            )
        binds = {
            **python_binds(),
            str(dirs.program): PROGRAM_MOUNT,
            str(dirs.ref): REF_MOUNT,
            str(dirs.res): RES_MOUNT,
        }
        return run_sandboxed(
            ["/bin/sh", "-c", substitute(command)],
            readonly_binds=binds,
            output_dir=dirs.output,
            output_mount=OUTPUT_MOUNT,
            limits=limits,
            timeout_s=timeout_s,
            env=env,
            cwd=PROGRAM_MOUNT,
            identity=identity,
            bwrap=bwrap,
            empty_dirs=[SHARED_MOUNT],
        )
