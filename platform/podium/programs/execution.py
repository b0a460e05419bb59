"""One evaluation: stage the program, the participant's results and each partition's
reference into a job directory, run the program once per partition, read what it wrote.

Used by the scoring job (podium.submissions.program_scoring) and by the admin's "test this
program". The private reference is staged only after the public run has finished and its
directory was removed, so no run can see another partition's reference.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from podium import sandbox
from podium.programs import runtime
from podium.programs.models import ProgramScoring, ProgramVersion
from podium.programs.per_item import per_item_read
from podium.programs.results import (
    DETAILED_NAMES,
    MAX_DETAILED_BYTES,
    MAX_SCORES_BYTES,
    SCORES_JSON,
    SCORES_TXT,
    ProgramError,
    map_columns,
    parse_scores_json,
    parse_scores_txt,
)
from podium.programs.services import references_for, scoring_columns, stage_archive
from podium.programs.unpack import RESULTS_LIMITS, UnpackError, safe_extract
from podium.sandbox.conf import scoring_options
from podium.sandbox.programs import ProgramDirs, run_program

MIB = 1024 * 1024
LOG_STDOUT_BYTES = 20000
LOG_STDERR_BYTES = 20000


class ResultsRefused(ValueError):
    """The participant's upload breaks a rule (a zip rule, no files); the message is theirs."""


class ScoringNotConfigured(ValueError):
    """The organisers have not finished configuring the program (no version, no reference)."""


@dataclass
class PartitionRun:
    partition: str
    result: sandbox.SandboxResult | None = None
    values: dict[str, float] | None = None
    extras: dict = field(default_factory=dict)
    detailed_html: str = ""
    error: str = ""  # organiser-facing; empty when the run gave every declared key
    # The board record built from the optional per_item.csv (gold-derived: never the team's),
    # and what the organisers should know about that file. Neither ever fails the run.
    per_item: bytes | None = None
    per_item_note: str = ""

    @property
    def ok(self) -> bool:
        return self.values is not None and not self.error

    def log(self) -> str:
        if self.result is None:
            return f"[{self.partition}] {self.error}"
        result = self.result
        ended = result.killed_by_limit or "itself"
        stderr = result.stderr[-LOG_STDERR_BYTES:].decode("utf-8", "replace")
        stdout = result.stdout[-LOG_STDOUT_BYTES:].decode("utf-8", "replace")
        return (
            f"[{self.partition}] exit status {result.returncode}, ended by {ended}, "
            f"{result.duration_s:.2f} s, sandboxed: {result.sandboxed}\n"
            + (f"error: {self.error}\n" if self.error else "")
            + (f"per-item values: {self.per_item_note}\n" if self.per_item_note else "")
            + f"--- stdout (last {LOG_STDOUT_BYTES} bytes) ---\n{stdout}\n"
            f"--- stderr (last {LOG_STDERR_BYTES} bytes) ---\n{stderr}"
        )


@dataclass
class Evaluation:
    version: ProgramVersion
    runs: list[PartitionRun]

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.ok for run in self.runs)

    @property
    def duration_s(self) -> float:
        return sum(run.result.duration_s for run in self.runs if run.result is not None)

    def log(self) -> str:
        header = f"program {self.version} (sha256 {self.version.sha256[:12]})"
        return "\n".join([header, *(run.log() for run in self.runs)])


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def results_name(scoring: ProgramScoring, original_name: str) -> str:
    if scoring.results_filename:
        return scoring.results_filename
    name = _SAFE_NAME.sub("_", Path(original_name or "").name).strip("._")
    return name or "submission"


def stage_results(source: Path, res_dir: Path, *, name: str) -> None:
    """A zip is unpacked into res/ under the zip rules; any other file is put there as `name`.

    A zip inside the zip stays a file: Codabench, too, unpacks a submission once.
    """
    if zipfile.is_zipfile(source):
        try:
            written = safe_extract(source, res_dir, limits=RESULTS_LIMITS)
        except UnpackError as exc:
            raise ResultsRefused(f"The results zip was refused: {exc}.") from exc
        if not written:
            raise ResultsRefused("The results zip holds no files.")
        return
    res_dir.mkdir(mode=0o755)
    shutil.copyfile(source, res_dir / name)


def program_limits(version: ProgramVersion, *, runs: int = 1) -> dict:
    """The sandbox limits of one run. All runs of one evaluation together stay within the
    site's scoring timeout: the sweeper takes a submission running longer than that for one
    whose worker died, so a program's own limit can only be lower, and with a public and a
    private run each gets at most half."""
    options = scoring_options()
    program = version.program
    budget = options["timeout_s"] / max(1, runs)
    timeout_s = min(program.timeout_s or budget, budget)
    # The site's limits bound an organiser's too: one task's program must not take the host.
    memory_mb = min(program.memory_mb or options["memory_mb"], options["memory_mb"])
    default_output = sandbox.Limits.file_size_mb
    limits = sandbox.Limits(
        cpu_s=max(1, int(timeout_s)),
        memory_mb=memory_mb,
        file_size_mb=min(program.output_mb or default_output, default_output),
    )
    return {
        "timeout_s": timeout_s,
        "memory_mb": memory_mb,
        "limits": limits,
        "allow_unsandboxed": options["allow_unsandboxed"],
        "bwrap": options["bwrap"],
    }


def read_outputs(run: PartitionRun, output_dir: Path, columns) -> None:
    """Fill ``run`` from the output directory: scores.json, else scores.txt."""
    try:
        try:
            data = sandbox.read_output_file(output_dir, SCORES_JSON, MAX_SCORES_BYTES)
            scores = parse_scores_json(data)
        except sandbox.OutputFileError as exc:
            if "missing" not in str(exc):
                raise
            try:
                data = sandbox.read_output_file(output_dir, SCORES_TXT, MAX_SCORES_BYTES)
            except sandbox.OutputFileError as txt_exc:
                if "missing" in str(txt_exc):
                    raise ProgramError(
                        f"the program wrote neither {SCORES_JSON} nor {SCORES_TXT} in /app/output"
                    ) from txt_exc
                raise
            scores = parse_scores_txt(data)
        run.values, run.extras = map_columns(scores, columns)
    except (sandbox.OutputFileError, ProgramError) as exc:
        run.values, run.error = None, str(exc)
        return
    shown = [column.key for column in columns if not column.hidden]
    per_item = per_item_read(output_dir, run.values, shown)
    run.per_item, run.per_item_note = per_item.record, per_item.note
    for name in DETAILED_NAMES:
        try:
            html = sandbox.read_output_file(output_dir, name, MAX_DETAILED_BYTES)
        except sandbox.OutputFileError:
            continue
        run.detailed_html = html.decode("utf-8", "replace")
        break


def _judge(run: PartitionRun, output_dir: Path, columns, timeout_s: float) -> None:
    result = run.result
    if result.timed_out:
        run.error = f"the program ran past its {timeout_s:g} s time limit and was killed"
    elif result.killed_by_limit:
        run.error = f"the program was killed by the {result.killed_by_limit} limit"
    elif result.returncode != 0:
        module = runtime.missing_module(result.stderr)
        run.error = (
            runtime.missing_module_message(module)
            if module
            else f"the program exited with status {result.returncode}"
        )
    else:
        read_outputs(run, output_dir, columns)


def program_evaluate(
    *,
    scoring: ProgramScoring,
    split: str,
    results_path: Path,
    original_name: str,
    version: ProgramVersion | None = None,
    job_parent: str | None = None,
) -> Evaluation:
    """Run the program (its latest version unless given) on the results at ``results_path``
    against each reference of ``split``. Raises ResultsRefused (the participant's upload),
    ScoringNotConfigured and SandboxUnavailable; every program failure is in the runs."""
    version = version or scoring.program.latest_version()
    if version is None:
        raise ScoringNotConfigured(f"the program {scoring.program} has no uploaded version")
    references = references_for(scoring.subtask, split)
    if not references:
        raise ScoringNotConfigured(f"{scoring.subtask} has no reference data for the {split} split")
    columns = scoring_columns(scoring)
    options = program_limits(version, runs=len(references))
    job_dir = sandbox.make_job_dir(job_parent)
    try:
        stage_archive(version.archive, job_dir / "program")
        # ref/ and res/ right in the job dir (the sandbox binds them at /app/input/...): every
        # folder less is one slow rmdir less where the file system discards freed blocks at once.
        stage_results(results_path, job_dir / "res", name=results_name(scoring, original_name))
        runs = []
        for reference in references:
            run = PartitionRun(partition=reference.partition)
            ref_dir = job_dir / "ref"
            stage_archive(reference.archive, ref_dir)
            dirs = ProgramDirs(
                program=job_dir / "program",
                ref=ref_dir,
                res=job_dir / "res",
                output=job_dir / f"output-{reference.partition}",
                shared=job_dir / f"shared-{reference.partition}",
            )
            try:
                run.result = run_program(version.command, dirs=dirs, **options)
                _judge(run, dirs.output, columns, options["timeout_s"])
            finally:
                shutil.rmtree(ref_dir, ignore_errors=True)
            runs.append(run)
        return Evaluation(version=version, runs=runs)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)
