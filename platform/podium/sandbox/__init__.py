"""Run scorers and organisers' programs under bubblewrap with limits (see docs/sandbox.md).

Import from here; ``conf`` is the only module that touches Django settings.
"""

from .base import (
    Identity,
    Limits,
    OutputFileError,
    SandboxError,
    SandboxResult,
    SandboxUnavailable,
)
from .files import grant_read, prepare_output_dir, read_output_file
from .jobdirs import job_dirs_sweep, make_baseline_dir, make_job_dir
from .policy import probe_sandbox, require_sandbox, sandbox_available
from .runner import python_binds, run_sandboxed, run_unsandboxed
from .scoring import run_scorer

__all__ = [
    "Identity",
    "Limits",
    "OutputFileError",
    "SandboxError",
    "SandboxResult",
    "SandboxUnavailable",
    "grant_read",
    "job_dirs_sweep",
    "make_baseline_dir",
    "make_job_dir",
    "prepare_output_dir",
    "probe_sandbox",
    "python_binds",
    "read_output_file",
    "require_sandbox",
    "run_sandboxed",
    "run_scorer",
    "run_unsandboxed",
    "sandbox_available",
]
