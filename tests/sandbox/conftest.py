"""The `sandbox` fixture: these tests need a working bubblewrap. Where it cannot run they skip,
unless PODIUM_REQUIRE_SANDBOX=1 (set it in CI) turns the skip into a failure, so that a broken
CI image cannot silently stop testing the sandbox.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from podium.sandbox import Limits, SandboxResult, python_binds, run_sandboxed, sandbox_available
from podium.sandbox.policy import probe_sandbox


@pytest.fixture
def sandbox() -> None:
    if sandbox_available():
        return
    reason = f"bubblewrap cannot run here: {probe_sandbox()}"
    if os.environ.get("PODIUM_REQUIRE_SANDBOX") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _run_py(
    code: str,
    *,
    timeout_s: float = 30,
    limits: Limits | None = None,
    binds: dict[str, str] | None = None,
    output_dir: Path | None = None,
) -> SandboxResult:
    """Run Python source inside the sandbox, with the interpreter bound read-only."""
    return run_sandboxed(
        [sys.executable, "-c", textwrap.dedent(code)],
        readonly_binds={**python_binds(), **(binds or {})},
        output_dir=output_dir,
        limits=limits or Limits(cpu_s=30, memory_mb=1024, processes=32),
        timeout_s=timeout_s,
    )


@pytest.fixture
def run_py():
    """Run Python source inside the sandbox (see _run_py)."""
    return _run_py
