"""Sandbox or refuse: probing bubblewrap once, and the explicit unsandboxed escape hatch."""

from __future__ import annotations

import functools
import logging
import os

from .base import Identity, Limits, SandboxError, SandboxUnavailable
from .bwrap import DEFAULT_BWRAP
from .identities import claimed_identity
from .runner import run_sandboxed

logger = logging.getLogger(__name__)

UNAVAILABLE_HELP = (
    "install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces "
    "(sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 "
    "kernel.apparmor_restrict_unprivileged_userns=0; in Docker a seccomp profile that permits "
    "clone(CLONE_NEWUSER)), or set PODIUM_ALLOW_UNSANDBOXED_SCORING=1 on a trusted development "
    "machine only"
)


@functools.lru_cache(maxsize=8)
def probe_sandbox(bwrap: str = DEFAULT_BWRAP, identity: Identity | None = None) -> str | None:
    """Actually start a program under bwrap, the way real runs do. Returns None when that works,
    else the reason. Cached per (bwrap, identity): the answer does not change while a worker
    lives, and a failed probe costs only milliseconds when it is repeated in a new process.

    Checking that the binary exists is not enough: bwrap is installed but useless where user
    namespaces are disabled (sysctl, AppArmor, Docker's default seccomp profile).
    """
    if not os.access(bwrap, os.X_OK):
        return f"{bwrap} is not an executable file"
    try:
        result = run_sandboxed(
            ["/bin/sh", "-c", "exit 0"],
            readonly_binds={},
            limits=Limits(cpu_s=5, memory_mb=256, processes=16),
            timeout_s=10,
            identity=identity,
            bwrap=bwrap,
        )
    except SandboxError as exc:
        return str(exc)
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip() or f"exit {result.returncode}"
        return f"{bwrap} failed: {detail}"
    return None


def sandbox_available(bwrap: str = DEFAULT_BWRAP) -> bool:
    # Probed as a uid that real runs use (one of the pool), not as one they never take.
    with claimed_identity() as identity:
        return probe_sandbox(bwrap, identity) is None


def require_sandbox(
    *, allow_unsandboxed: bool, bwrap: str = DEFAULT_BWRAP, identity: Identity | None
) -> bool:
    """Decide how to run: True = sandboxed. False = unsandboxed, only when the operator allowed
    it, and said loudly in the log every time. Otherwise raise SandboxUnavailable.
    ``identity``: the one the run will use (sandbox.identities), so the probe tries the same."""
    reason = probe_sandbox(bwrap, identity)
    if reason is None:
        return True
    if not allow_unsandboxed:
        logger.error("Refusing to score: the sandbox is unavailable (%s)", reason)
        raise SandboxUnavailable(
            f"Refusing to run untrusted scoring code without a sandbox: {reason}. "
            f"To fix: {UNAVAILABLE_HELP}."
        )
    logger.warning(
        "UNSANDBOXED SCORING: bubblewrap is unavailable (%s) and "
        "PODIUM_ALLOW_UNSANDBOXED_SCORING is on, so the program runs with the worker's uid, "
        "files and network (only rlimits, an empty environment and the timeout apply). "
        "Never do this with untrusted submissions or organisers' programs.",
        reason,
    )
    return False
