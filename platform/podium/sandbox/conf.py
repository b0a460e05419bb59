"""The only module here that reads Django settings; everything else takes explicit arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import SandboxResult
from .bwrap import DEFAULT_BWRAP
from .jobdirs import BASELINE_PREFIX, job_dirs_sweep
from .scoring import run_scorer


def scoring_options() -> dict[str, Any]:
    from django.conf import settings

    return {
        "timeout_s": getattr(settings, "PODIUM_SCORING_TIMEOUT", 300),
        "memory_mb": getattr(settings, "PODIUM_SCORING_MEMORY_MB", 4096),
        "allow_unsandboxed": getattr(settings, "PODIUM_ALLOW_UNSANDBOXED_SCORING", False),
        "bwrap": getattr(settings, "PODIUM_BWRAP_PATH", DEFAULT_BWRAP),
        "module": getattr(settings, "PODIUM_SCORER_MODULE", "scorers"),
    }


def run_scorer_with_settings(
    job_dir: Path,
    *,
    spec_path: Path,
    gold_path: Path,
    pred_path: Path,
    output_dir: Path | None = None,
) -> SandboxResult:
    """What the scoring job calls: run_scorer with the limits from settings."""
    return run_scorer(
        job_dir,
        spec_path=spec_path,
        gold_path=gold_path,
        pred_path=pred_path,
        output_dir=output_dir,
        **scoring_options(),
    )


# A job directory fills up before its run starts (the copies), so once older than the run's
# limit plus the time copying a large gold can take, no live job uses it.
JOB_DIR_GRACE_S = 600


def job_dirs_sweep_with_settings() -> list[Path]:
    """Remove leftover job directories of this host (see podium.sandbox.jobdirs)."""
    from django.conf import settings

    timeout = getattr(settings, "PODIUM_SCORING_TIMEOUT", 300)
    return job_dirs_sweep(max_age_s=timeout + JOB_DIR_GRACE_S)


def baseline_dirs_sweep_with_settings() -> list[Path]:
    """Remove leftover baseline work directories of this host (see podium.sandbox.jobdirs).

    A baseline's child is killed at PODIUM_BASELINE_TIMEOUT; before it the worker copies the
    data in, after it reads the predictions back: the same grace covers both.
    """
    from django.conf import settings

    timeout = getattr(settings, "PODIUM_BASELINE_TIMEOUT", 6 * 3600)
    return job_dirs_sweep(max_age_s=timeout + JOB_DIR_GRACE_S, prefix=BASELINE_PREFIX)
