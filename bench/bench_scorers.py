"""Benchmark of the scorers CLI on a million-row submission; prints figures, asserts nothing.

    .venv/bin/python bench/bench_scorers.py [--rows 1000000] [--keep DIR]

For a binary task (human/machine, 10 languages, public/private partition) and a 10-class
variant it writes gold and a shuffled submission as JSONL, then times:
  - the CLI end to end in a fresh process (read, validate, all metrics, groups, partitions),
    with the peak RSS of that process;
  - a reference pipeline written the usual way: pandas read_json(lines=True), merge on id,
    scikit-learn metrics overall and per language for each partition;
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


def write_files(folder: Path, rows: int, labels: list[str], seed: int) -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, len(labels), rows)
    # About 80% right, errors spread over the other labels.
    wrong = rng.random(rows) < 0.2
    pred = np.where(wrong, (truth + rng.integers(1, len(labels), rows)) % len(labels), truth)
    langs = rng.integers(0, len(LANGS), rows)
    private = rng.random(rows) < 0.5
    ids = [f"doc-{i:08d}" for i in range(rows)]
    gold_path, pred_path, spec_path = (
        folder / "gold.jsonl",
        folder / "pred.jsonl",
        folder / "spec.json",
    )
    with open(gold_path, "w") as fh:
        for i in range(rows):
            part = "private" if private[i] else "public"
            fh.write(
                f'{{"id": "{ids[i]}", "label": "{labels[truth[i]]}", '
                f'"lang": "{LANGS[langs[i]]}", "partition": "{part}"}}\n'
            )
    with open(pred_path, "w") as fh:
        for i in rng.permutation(rows):
            fh.write(f'{{"id": "{ids[i]}", "label": "{labels[pred[i]]}"}}\n')
    spec = {
        "format": "jsonl",
        "id_field": "id",
        "value_field": "label",
        "labels": labels,
        "metrics": [*METRICS, {"name": "f1", "per_class": True, "key": "f1_classes"}],
        "primary": "macro_f1",
        "group_fields": ["lang"],
        "partition_field": "partition",
    }
    spec_path.write_text(json.dumps(spec))
    return gold_path, pred_path, spec_path


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
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *cmd], capture_output=True, text=True, check=True
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
        cells += [(ours[part]["groups"]["lang"][g], v) for g, v in entry["groups"]["lang"].items()]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="write the files here instead of a temporary folder")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.rows:,} rows")
    print(f"import scorers.cli: {import_time() * 1000:.0f} ms (beyond a bare interpreter start)")
    variants = {"binary": ["human", "machine"], "10-class": [f"model_{k}" for k in range(10)]}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep or tmp)
        for name, labels in variants.items():
            folder = base / name
            folder.mkdir(parents=True, exist_ok=True)
            gold, pred, spec = write_files(folder, args.rows, labels, seed=len(labels))
            size = (gold.stat().st_size + pred.stat().st_size) / 1e6
            walls, peaks = [], []
            for _ in range(3):
                wall, rss, result = run_cli(spec, gold, pred)
                walls.append(wall)
                peaks.append(rss)
            rss = max(peaks)
            ref_wall, ref = reference(gold, pred)
            cli_wall = min(walls)
            diff = max_difference(result["scores"], ref)
            print(
                f"{name:>8}: {size:.0f} MB of JSONL | CLI {cli_wall:.3f} s (best of 3; "
                f"{', '.join(f'{w:.3f}' for w in walls)}), peak RSS {rss:.0f} MiB | "
                f"reference pandas+sklearn {ref_wall:.2f} s | ratio {ref_wall / cli_wall:.1f}x | "
                f"max |CLI - reference| over all metrics, groups, partitions {diff:.1e}"
            )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()
