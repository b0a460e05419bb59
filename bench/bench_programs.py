"""Organisers' scoring programs: what the sandbox and staging cost, and upload-to-scored time.

    python bench/bench_programs.py [--runs 15] [--rows 10000]

1. Overhead: the same tiny Codabench-style program (reads ref/ and res/, writes scores.json)
   run bare with subprocess on host folders, against a full program run: unpack the program,
   reference and results zips into a job folder, set permissions, run under bubblewrap with the
   /app layout, read and check scores.json. Medians over --runs; the difference is what Podium
   adds (target: under 50 ms). Then the Podium run phase by phase, and the fixed cost of
   starting /bin/true bare, through the unsandboxed runner and through the sandbox.
2. Upload-to-scored on --rows rows: a program-scored task on a throw-away SQLite database;
   submission_create (the upload service) then the scoring job, timed end to end, against the
   bare run of the same program on the same files.
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

# Plain Python, so that the overhead figure is not drowned in numpy's import time; the
# 10,000-row case adds numpy, as Codabench programs do.
PROGRAM = """
import json, os, sys
base = sys.argv[1] if len(sys.argv) > 1 else "/app/input"
out = sys.argv[2] if len(sys.argv) > 2 else "/app/output"
gold = dict(l.split("\\t") for l in open(os.path.join(base, "ref", "gold.tsv")).read().splitlines())
pred = dict(l.split("\\t") for l in open(os.path.join(base, "res", "pred.tsv")).read().splitlines())
right = [pred.get(i) == g for i, g in gold.items()]
scores = {"accuracy": sum(right) / len(right), "n": len(right)}
json.dump(scores, open(os.path.join(out, "scores.json"), "w"))
"""
COMMAND = "python3 $program/score.py $input $output"


def write_case(folder: Path, rows: int, *, numpy: bool = False) -> dict[str, Path]:
    rng = random.Random(7)
    labels = [rng.choice(["pos", "neg", "neu"]) for _ in range(rows)]
    (folder / "program").mkdir(parents=True)
    source = ("import numpy\n" if numpy else "") + PROGRAM
    (folder / "program/score.py").write_text(source)
    (folder / "program/metadata").write_text(f"command: {COMMAND}\n")
    (folder / "input/ref").mkdir(parents=True)
    (folder / "input/res").mkdir(parents=True)
    (folder / "input/ref/gold.tsv").write_text(
        "\n".join(f"r{i}\t{label}" for i, label in enumerate(labels))
    )
    guesses = [label if rng.random() < 0.8 else "neu" for label in labels]
    (folder / "input/res/pred.tsv").write_text(
        "\n".join(f"r{i}\t{g}" for i, g in enumerate(guesses))
    )
    zips = {}
    for name, source in (("program", folder / "program"), ("ref", folder / "input/ref"),
                         ("res", folder / "input/res")):  # fmt: skip
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(source.iterdir()):
                archive.write(path, path.name)
        zips[name] = folder / f"{name}.zip"
        zips[name].write_bytes(buffer.getvalue())
    return zips


def floors() -> dict[str, float]:
    """Fixed costs of starting /bin/true: plain fork+exec, Podium's unsandboxed runner (rlimits,
    capture loop), and the full sandbox with the interpreter binds (bwrap, namespaces, the
    staging mount namespace where Python is under a 0700 /root)."""
    from podium.sandbox import python_binds, run_sandboxed, run_unsandboxed

    timings = {}
    for name, run in (
        ("fork+exec /bin/true (subprocess.run)", lambda: subprocess.run(["/bin/true"], check=True)),
        ("/bin/true via run_unsandboxed", lambda: run_unsandboxed(["/bin/true"], timeout_s=30)),
        (
            "/bin/true via run_sandboxed (bwrap)",
            lambda: run_sandboxed(["/bin/true"], readonly_binds=python_binds(), timeout_s=30),
        ),
    ):
        started = time.perf_counter()
        run()
        timings[name] = time.perf_counter() - started
    return timings


def bare_run(folder: Path) -> float:
    out = folder / "bare-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = f"{sys.executable} {folder}/program/score.py {folder}/input {out}"
    started = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", command], check=True, env={"PATH": "/usr/bin:/bin"})
    json.loads((out / "scores.json").read_text())
    return time.perf_counter() - started


PHASES = ("stage", "run", "read", "cleanup")


def program_run(zips: dict[str, Path]) -> dict[str, float]:
    """One full program run; returns the seconds each phase took (and their "total")."""
    from podium.programs.results import Column, map_columns, parse_scores_json, read_command
    from podium.programs.unpack import ORGANISER_LIMITS, RESULTS_LIMITS, safe_extract
    from podium.sandbox import make_job_dir, read_output_file
    from podium.sandbox.programs import ProgramDirs, run_program

    marks = [time.perf_counter()]
    job = make_job_dir()
    try:
        safe_extract(zips["program"], job / "program", limits=ORGANISER_LIMITS)
        safe_extract(zips["res"], job / "res", limits=RESULTS_LIMITS)
        safe_extract(zips["ref"], job / "ref", limits=ORGANISER_LIMITS)
        dirs = ProgramDirs(program=job / "program", ref=job / "ref", res=job / "res",
                           output=job / "output", shared=job / "shared")  # fmt: skip
        command = read_command(job / "program")
        marks.append(time.perf_counter())
        result = run_program(command, dirs=dirs, timeout_s=60, memory_mb=4096,
                             allow_unsandboxed=False)  # fmt: skip
        marks.append(time.perf_counter())
        assert result.ok, result.stderr[-2000:]
        scores = parse_scores_json(read_output_file(job / "output", "scores.json", 1 << 20))
        map_columns(scores, [Column(key="accuracy", primary=True), Column(key="n")])
        marks.append(time.perf_counter())
    finally:
        shutil.rmtree(job, ignore_errors=True)
    marks.append(time.perf_counter())
    phases = {name: marks[i + 1] - marks[i] for i, name in enumerate(PHASES)}
    phases["total"] = marks[-1] - marks[0]
    return phases


def upload_to_scored(folder: Path, zips: dict[str, Path], runs: int) -> list[float]:
    os.environ["PODIUM_VAR_DIR"] = str(folder / "var")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    from podium.programs.models import ScoringProgram
    from podium.programs.results import Column
    from podium.programs.services import program_scoring_set, program_version_add, reference_store
    from podium.sharedtasks.models import Phase, SharedTask, Subtask
    from podium.submissions.scoring import submission_score
    from podium.submissions.uploads import submission_create
    from podium.teams.models import Registration
    from podium.teams.services import team_create

    call_command("migrate", verbosity=0)
    task = SharedTask.objects.create(slug="bench", title="Bench", visibility="published")
    subtask = Subtask.objects.create(task=task, slug="a", title="A", file_format="txt",
                                     metrics=["accuracy"], primary_metric="accuracy")  # fmt: skip
    now = timezone.now()
    phase = Phase.objects.create(task=task, slug="dev", name="Dev", split="dev",
                                 start=now - timezone.timedelta(days=1),
                                 end=now + timezone.timedelta(days=1))  # fmt: skip
    program = ScoringProgram.objects.create(task=task, name="acc")
    program_version_add(program=program, source=zips["program"])
    columns = [Column(key="accuracy", primary=True), Column(key="n")]
    program_scoring_set(subtask=subtask, program=program, columns=columns)
    reference_store(subtask=subtask, split="dev", partition="all", source=zips["ref"])
    user = get_user_model().objects.create_user(username="bench", password="x")
    team = team_create(name="Bench team", captain=user)
    Registration.objects.create(team=team, task=task, status="approved")
    import podium.submissions.uploads as uploads

    uploads.submission_enqueue = lambda *, submission_id: True  # no broker: the job runs here
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        upload = SimpleUploadedFile("results.zip", zips["res"].read_bytes())
        submission = submission_create(user=user, phase=phase, subtask=subtask, upload=upload)
        status = submission_score(submission_id=submission.pk)
        timings.append(time.perf_counter() - started)
        if status != "scored":
            submission.refresh_from_db()
            raise SystemExit(f"the bench submission was not scored ({status}): {submission.log}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    from podium.sandbox import Identity, probe_sandbox

    reason = probe_sandbox(identity=Identity.default())
    if reason is not None:
        sys.exit(f"bubblewrap cannot run here ({reason}); see docs/sandbox.md")
    with tempfile.TemporaryDirectory(prefix="bench-programs-") as scratch:
        folder = Path(scratch)
        zips = write_case(folder / "tiny", 10)
        bare_run(folder / "tiny"), program_run(zips)  # warm the page cache
        bare: list[float] = []
        full: list[dict[str, float]] = []
        fixed: list[dict[str, float]] = []
        for _ in range(args.runs):  # interleaved: a busy machine slows all alike
            bare.append(bare_run(folder / "tiny"))
            full.append(program_run(zips))
            fixed.append(floors())

        def ms(values) -> str:
            return f"{statistics.median(values) * 1000:8.1f} ms"

        b = statistics.median(bare)
        f = statistics.median(run["total"] for run in full)
        print(f"tiny program, {args.runs} runs (median; load {os.getloadavg()[0]:.1f}):")
        print(f"  bare subprocess on host folders      {ms(bare)}")
        print(f"  Podium: unzip + bwrap /app + read    {ms([run['total'] for run in full])}")
        print(f"  overhead                             {(f - b) * 1000:8.1f} ms (target < 50 ms)")
        print("  the Podium run, phase by phase:")
        labels = {
            "stage": "job dir + unzip program/ref/res",
            "run": "run_program (sandboxed program)",
            "read": "read + check scores.json",
            "cleanup": "remove the job dir",
        }
        for name in PHASES:
            print(f"    {labels[name]:36} {ms([run[name] for run in full])}")
        run_minus_bare = statistics.median(run["run"] for run in full) - b
        print(f"    run_program minus the bare run     {run_minus_bare * 1000:8.1f} ms")
        print("  fixed costs, /bin/true:")
        for name in fixed[0]:
            print(f"    {name:36} {ms([one[name] for one in fixed])}")

        big = write_case(folder / "big", args.rows, numpy=True)
        bare_big = statistics.median(bare_run(folder / "big") for _ in range(5))
        timings = upload_to_scored(folder, big, max(3, args.runs // 3))
        print(f"{args.rows} rows, upload (submission_create) to scored (median of {len(timings)}):")
        print(f"  bare run of the same program         {bare_big * 1000:8.1f} ms")
        print(f"  upload to scored, SQLite, no broker  {statistics.median(timings) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
