"""The admin's "test this program": one evaluation, reported, with nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podium import sandbox
from podium.programs.execution import ResultsRefused, ScoringNotConfigured, program_evaluate
from podium.programs.models import ProgramScoring


@dataclass
class TrialReport:
    error: str = ""
    runs: list | None = None
    duration_s: float = 0.0
    version: str = ""


def program_trial(
    *, scoring: ProgramScoring, split: str, results_path: Path, original_name: str
) -> TrialReport:
    try:
        evaluation = program_evaluate(
            scoring=scoring, split=split, results_path=results_path, original_name=original_name
        )
    except (ResultsRefused, ScoringNotConfigured, sandbox.SandboxError) as exc:
        return TrialReport(error=str(exc))
    return TrialReport(
        runs=evaluation.runs, duration_s=evaluation.duration_s, version=str(evaluation.version)
    )
