"""Benchmark of the scorers CLI on a million-row submission; prints figures, asserts nothing.

    .venv/bin/python bench/bench_scorers.py [--rows 1000000] [--keep DIR]

For a binary task (human/machine, 10 languages, public/private partition), a 10-class variant
and a SemEval-2024 Task 8 style one (integer ids and labels 0/1) it writes gold and a shuffled
submission as JSONL; for numeric tasks, an STS-style
positional TXT submission (one float per line, gold JSONL in input order) and a shuffled JSONL
submission {"id", "score"} (public/private partition). It then times:
  - the CLI end to end in a fresh process (read, validate, all metrics, groups, partitions),
    with the peak RSS of that process; the first of the runs is shown apart from the best;
  - a reference pipeline written the usual way: pandas read_json(lines=True) (read_csv for the
    TXT), merge on id, scikit-learn / SciPy metrics overall (and per language) per partition;
  - a lean reference (bench/scorers_lean.py): the same pandas reading and merge, then one numpy
    confusion matrix per cell with every label metric derived from it (numpy for numbers);
and the import time of the CLI (python -X importtime is not needed: a bare `-c` run is timed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scorers_lean as lean

LANGS = ["ar", "de", "en", "es", "fr", "it", "ja", "pt", "ru", "zh"]
METRICS = [
    "accuracy",
    "macro_f1",
    "weighted_f1",
    "micro_f1",
    "macro_precision",
    "macro_recall",
    "cohen_kappa",
]


def write_files(
    folder: Path, rows: int, labels: list[str], seed: int, integer: bool = False
) -> tuple[Path, Path, Path]:
    """``integer``: ids and labels as JSON integers (label k is the integer k)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, len(labels), rows)
    # About 80% right, errors spread over the other labels.
    wrong = rng.random(rows) < 0.2
    pred = np.where(wrong, (truth + rng.integers(1, len(labels), rows)) % len(labels), truth)
    langs = rng.integers(0, len(LANGS), rows)
    private = rng.random(rows) < 0.5
    ids = [str(i) if integer else f'"doc-{i:08d}"' for i in range(rows)]
    shown = [str(k) if integer else f'"{label}"' for k, label in enumerate(labels)]
    gold_path, pred_path, spec_path = (
        folder / "gold.jsonl",
        folder / "pred.jsonl",
        folder / "spec.json",
    )
    with open(gold_path, "w") as fh:
        for i in range(rows):
            part = "private" if private[i] else "public"
            fh.write(
                f'{{"id": {ids[i]}, "label": {shown[truth[i]]}, '
                f'"lang": "{LANGS[langs[i]]}", "partition": "{part}"}}\n'
            )
    with open(pred_path, "w") as fh:
        for i in rng.permutation(rows):
            fh.write(f'{{"id": {ids[i]}, "label": {shown[pred[i]]}}}\n')
    spec = {
        "format": "jsonl",
        "id_field": "id",
        "value_field": "label",
        "labels": list(range(len(labels))) if integer else labels,
        "metrics": [*METRICS, {"name": "f1", "per_class": True, "key": "f1_classes"}],
        "primary": "macro_f1",
        "group_fields": ["lang"],
        "partition_field": "partition",
    }
    spec_path.write_text(json.dumps(spec))
    return gold_path, pred_path, spec_path


NUMERIC_METRICS = ["pearson", "spearman", "mae"]


def write_numeric_files(folder: Path, rows: int, positional: bool) -> tuple[Path, Path, Path]:
    """STS-like scores in [0, 5]: gold with one decimal, predictions as full-precision floats."""
    rng = np.random.default_rng(7)
    truth = np.round(rng.random(rows) * 5, 1)
    pred = np.clip(truth + rng.normal(0, 0.8, rows), 0, 5)
    private = rng.random(rows) < 0.5
    gold_path, spec_path = folder / "gold.jsonl", folder / "spec.json"
    pred_path = folder / ("pred.txt" if positional else "pred.jsonl")
    with open(gold_path, "w") as fh:
        for i in range(rows):
            if positional:
                fh.write(f'{{"id": {i}, "score": {float(truth[i])!r}}}\n')
            else:
                part = "private" if private[i] else "public"
                score = float(truth[i])
                fh.write(f'{{"id": "pair-{i:08d}", "score": {score!r}, "partition": "{part}"}}\n')
    with open(pred_path, "w") as fh:
        if positional:
            fh.writelines(f"{float(v)!r}\n" for v in pred)
        else:
            for i in rng.permutation(rows):
                fh.write(f'{{"id": "pair-{i:08d}", "score": {float(pred[i])!r}}}\n')
    spec = {
        "format": "txt" if positional else "jsonl",
        "value_field": "score",
        "value_type": "number",
        "range": [0, 5],
        "metrics": NUMERIC_METRICS,
        "primary": "pearson",
    }
    if not positional:
        spec["partition_field"] = "partition"
    spec_path.write_text(json.dumps(spec))
    return gold_path, pred_path, spec_path


def numeric_reference(gold: Path, pred: Path) -> tuple[float, dict]:
    import pandas as pd
    from scipy import stats
    from sklearn import metrics as skm

    start = time.perf_counter()
    g = pd.read_json(gold, lines=True, dtype={"id": str})
    if pred.suffix == ".txt":
        p = pd.read_csv(pred, header=None, names=["score"])
        df = g.assign(score_pred=p["score"].to_numpy()).rename(columns={"score": "score_gold"})
        parts = {"all": df}
    else:
        p = pd.read_json(pred, lines=True, dtype={"id": str})
        df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
        parts = dict(tuple(df.groupby("partition")))
    out = {}
    for part, d in parts.items():
        t, y = d["score_gold"], d["score_pred"]
        out[part] = {
            "overall": {
                "pearson": stats.pearsonr(t, y)[0],
                "spearman": stats.spearmanr(t, y)[0],
                "mae": skm.mean_absolute_error(t, y),
            }
        }
    return time.perf_counter() - start, out


# The CLI runs under a tiny launcher: a child's peak RSS (ru_maxrss) survives fork and exec, so
# a child of this process, which holds pandas and the reference's data, would report our size.
LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
meta = {"wall": wall, "rss_kib": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status)}
print(json.dumps(meta))
sys.stdout.write(out.decode())
"""


def run_cli(spec: Path, gold: Path, pred: Path) -> tuple[float, float, dict]:
    """Wall seconds and peak RSS (MiB) of a fresh CLI process, and its parsed output."""
    cmd = [sys.executable, "-m", "scorers", "score", "--spec", str(spec)]
    cmd += ["--gold", str(gold), "--pred", str(pred)]
    # The environment the sandbox gives the scorer (podium/sandbox/bwrap.py): one BLAS thread,
    # which spares the other core the idle thread pool's spinning.
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], capture_output=True, text=True, check=True, env=env
    )
    meta_line, out = done.stdout.split("\n", 1)
    meta = json.loads(meta_line)
    if meta["code"] != 0:
        raise SystemExit(f"CLI failed: {out[:500]}")
    return meta["wall"], meta["rss_kib"] / 1024, json.loads(out)


def reference(gold: Path, pred: Path) -> tuple[float, dict]:
    import pandas as pd
    from sklearn import metrics as skm

    start = time.perf_counter()
    g = pd.read_json(gold, lines=True, dtype={"id": str, "label": str})
    p = pd.read_json(pred, lines=True, dtype={"id": str, "label": str})
    df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
    out: dict = {}

    def scores(d: pd.DataFrame) -> dict:
        t, y = d["label_gold"], d["label_pred"]
        return {
            "accuracy": skm.accuracy_score(t, y),
            "macro_f1": skm.f1_score(t, y, average="macro", zero_division=0),
            "weighted_f1": skm.f1_score(t, y, average="weighted", zero_division=0),
            "micro_f1": skm.f1_score(t, y, average="micro", zero_division=0),
            "macro_precision": skm.precision_score(t, y, average="macro", zero_division=0),
            "macro_recall": skm.recall_score(t, y, average="macro", zero_division=0),
            "cohen_kappa": skm.cohen_kappa_score(t, y),
            "f1_classes": skm.f1_score(t, y, average=None, zero_division=0),
        }

    for part, dp in df.groupby("partition"):
        out[part] = {"overall": scores(dp), "groups": {"lang": {}}}
        for lang, dl in dp.groupby("lang"):
            out[part]["groups"]["lang"][lang] = scores(dl)
    return time.perf_counter() - start, out


def max_difference(ours: dict, ref: dict) -> float:
    worst = 0.0
    for part, entry in ref.items():
        cells = [(ours[part]["overall"], entry["overall"])]
        groups = entry.get("groups", {}).get("lang", {})
        cells += [(ours[part]["groups"]["lang"][g], v) for g, v in groups.items()]
        for got, want in cells:
            for key, value in want.items():
                if key == "f1_classes":
                    labels = sorted(k for k in got if k.startswith("f1["))
                    pairs = [(got[k], v) for k, v in zip(labels, value, strict=True)]
                else:
                    pairs = [(got[key], value)]
                worst = max([worst, *(abs(a - float(b)) for a, b in pairs)])
    return worst


def import_time() -> float:
    code = "import scorers.cli"
    best = min(
        _timed([sys.executable, "-c", code]) - _timed([sys.executable, "-c", "pass"])
        for _ in range(5)
    )
    return max(best, 0.0)


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def measure(
    name: str, gold: Path, pred: Path, spec: Path, runs: int, reference_fn, lean_fn
) -> None:
    """``reference_fn`` None: the slow scikit-learn reference is skipped (--skip-reference)."""
    size = (gold.stat().st_size + pred.stat().st_size) / 1e6
    walls, peaks = [], []
    for _ in range(runs):
        wall, rss, result = run_cli(spec, gold, pred)
        walls.append(wall)
        peaks.append(rss)
    cli_wall = min(walls)
    diff = 0.0
    shown = ""
    if reference_fn is not None:
        ref_wall, ref = reference_fn(gold, pred)
        diff = max_difference(result["scores"], ref)
        shown = f"reference {ref_wall:.2f} s ({ref_wall / cli_wall:.1f}x) | "
    lean_wall, lean = lean_fn(gold, pred)
    diff = max(diff, max_difference(result["scores"], lean))
    print(
        f"{name:>10}: {size:.0f} MB | CLI best {cli_wall:.3f} s, first {walls[0]:.3f} s "
        f"(runs: {', '.join(f'{w:.3f}' for w in walls)}), peak RSS {max(peaks):.0f} MiB | "
        f"{shown}lean reference {lean_wall:.2f} s ({lean_wall / cli_wall:.1f}x) | "
        f"max |CLI - references| {diff:.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--only", help="comma-separated variants (binary,10-class,int-ids,sts-txt,jsonl-num)"
    )
    parser.add_argument("--keep", help="write the files here instead of a temporary folder")
    parser.add_argument(
        "--skip-reference",
        action="store_true",
        help="time only the lean reference (the scikit-learn one takes minutes per variant)",
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.rows:,} rows")
    print(f"import scorers.cli: {import_time() * 1000:.0f} ms (beyond a bare interpreter start)")
    variants = {
        "binary": ["human", "machine"],
        "10-class": [f"model_{k}" for k in range(10)],
        "int-ids": ["0", "1"],
        "sts-txt": True,
        "jsonl-num": False,
    }
    only = set(args.only.split(",")) if args.only else set(variants)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep or tmp)
        for name, kind in variants.items():
            if name not in only:
                continue
            folder = base / name
            folder.mkdir(parents=True, exist_ok=True)
            if isinstance(kind, list):
                integer = name == "int-ids"
                files = write_files(folder, args.rows, kind, seed=len(kind), integer=integer)
                ref_fn = None if args.skip_reference else reference
                measure(name, *files, args.runs, ref_fn, lean.label_reference)
            else:
                files = write_numeric_files(folder, args.rows, positional=kind)
                ref_fn = None if args.skip_reference else numeric_reference
                measure(name, *files, args.runs, ref_fn, lean.numeric_reference)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()
