"""What a participant uploads to a subtask scored by an organisers' program, in one place for
the task page and the API: the subtask's built-in format fields (file type, id and value
columns) are placeholders there, since the program reads whatever it reads from res/."""

from __future__ import annotations

from dataclasses import dataclass

from podium.programs.models import ProgramColumn, ProgramScoring
from podium.programs.unpack import MIB, RESULTS_LIMITS


@dataclass(frozen=True)
class ResultsFormat:
    single_file_name: str | None  # None: the uploaded file keeps its own name (made safe)
    max_files: int
    max_unpacked_mb: int
    columns: list[ProgramColumn]  # the shown ones, in order; hidden columns are organisers'

    @property
    def primary(self) -> ProgramColumn | None:
        return next((c for c in self.columns if c.primary), None)

    @property
    def others(self) -> list[ProgramColumn]:
        return [c for c in self.columns if not c.primary]

    @property
    def text(self) -> str:
        single = (
            f"a single file, placed in res/ as {self.single_file_name}"
            if self.single_file_name
            else "a single file, placed in res/ under its own name"
        )
        return (
            f"A zip of result files (unpacked into res/, where the scoring program reads them) "
            f"or {single}. A zip may hold at most {self.max_files:,} files and "
            f"{self.max_unpacked_mb} MB unpacked; zips inside it stay files."
        )


def results_format(subtask) -> ResultsFormat | None:
    """The results format of a program-scored subtask; None for a built-in scorer's.

    Reads `subtask.program_scoring` and its columns, so a caller listing many subtasks
    prefetches `program_scoring__columns`."""
    try:
        scoring = subtask.program_scoring
    except ProgramScoring.DoesNotExist:
        return None
    return ResultsFormat(
        single_file_name=scoring.results_filename or None,
        max_files=RESULTS_LIMITS.max_files,
        max_unpacked_mb=RESULTS_LIMITS.max_total_bytes // MIB,
        columns=[c for c in scoring.columns.all() if not c.hidden],
    )
