"""Benchmark of the baselines; prints figures, asserts nothing.

    .venv/bin/python bench/bench_baselines.py [--rows 100000] [--tfidf-methods tfidf-lr]
        [--device auto] [--model PATH] [--steps 20] [--threads 2] [--skip-tfidf]
        [--skip-transformer]

1. TF-IDF: a binary detection task with ``--rows`` training texts (and a fifth as many test
   texts), run end to end through ``baselines.run`` (read JSONL, vectorise, train, predict,
   write, score dev) in a fresh process, timing each stage and the peak RSS of that process.
2. Transformer fine-tuning throughput with MiniLM (or ``--model``): training and inference
   samples per second at max_length 128, batch 16, on ``--device`` (auto: CUDA when present).
   On CUDA it also prints the device name and the peak GPU memory (max_memory_allocated).

The texts are synthetic (Zipf-distributed words from a 50,000-word vocabulary, 20-120 words per
text, two classes with different preferred words), so the bench needs nothing but numpy.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

VOCAB = 50_000


def make_texts(n: int, seed: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    words = np.array([f"w{i}" for i in range(VOCAB)])
    zipf = 1.0 / np.arange(1, VOCAB + 1)
    zipf /= zipf.sum()
    labels = rng.integers(0, 2, n)
    lengths = rng.integers(20, 121, n)
    texts: list[str] = [""] * n
    for label in (0, 1):
        # Machine texts draw 5% of their words from a shifted ranking: learnable, not trivial.
        probs = zipf if label == 0 else 0.95 * zipf + 0.05 * np.roll(zipf, 300)
        rows = np.flatnonzero(labels == label)
        drawn = words[rng.choice(VOCAB, size=int(lengths[rows].sum()), p=probs)]
        bounds = np.concatenate([[0], np.cumsum(lengths[rows])])
        for k, row in enumerate(rows):
            texts[row] = " ".join(drawn[bounds[k] : bounds[k + 1]])
    return texts, ["machine" if y else "human" for y in labels]


def write_task(folder: Path, n_train: int, n_eval: int, seed: int) -> dict[str, Path]:
    texts, labels = make_texts(n_train + 2 * n_eval, seed)
    paths = {}
    parts = {"train": (0, n_train), "dev": (n_train, n_eval), "test": (n_train + n_eval, n_eval)}
    for name, (start, count) in parts.items():
        rows = range(start, start + count)
        with open(folder / f"{name}.jsonl", "w") as fh:
            for i in rows:
                row = {"id": f"{name}-{i}", "text": texts[i]}
                if name == "train":
                    row["label"] = labels[i]
                fh.write(json.dumps(row) + "\n")
        paths[name] = folder / f"{name}.jsonl"
        if name == "dev":
            with open(folder / "dev.gold.jsonl", "w") as fh:
                for i in rows:
                    fh.write(json.dumps({"id": f"dev-{i}", "label": labels[i]}) + "\n")
            paths["dev_gold"] = folder / "dev.gold.jsonl"
    return paths


SPEC = {
    "format": "jsonl",
    "id_field": "id",
    "value_field": "label",
    "value_type": "label",
    "labels": ["human", "machine"],
    "metrics": ["accuracy", "macro_f1"],
}


def _tfidf_child(method: str, paths: dict[str, Path], out: Path, queue: Any) -> None:
    import baselines

    marks: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(event: dict[str, Any]) -> None:
        marks.append((event.get("message", event["stage"]), time.perf_counter() - start))

    result = baselines.run(
        method=method,
        spec=SPEC,
        train=paths["train"],
        dev=paths["dev"],
        dev_gold=paths["dev_gold"],
        test=paths["test"],
        out=out,
        progress=progress,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"result": result.to_dict(), "marks": marks, "peak_mb": peak_mb})


def bench_tfidf(method: str, rows: int, folder: Path) -> None:
    n_eval = rows // 10
    paths = write_task(folder, rows, n_eval, seed=1)
    ctx = multiprocessing.get_context("spawn")  # a fresh process: its peak RSS is this run's
    queue = ctx.Queue()
    proc = ctx.Process(target=_tfidf_child, args=(method, paths, folder / "pred.jsonl", queue))
    proc.start()
    report = queue.get()
    proc.join()
    marks = dict(report["marks"])
    result = report["result"]
    stages = {
        "read": marks["vectorising"],
        "vectorise": marks["training"] - marks["vectorising"],
        "train": marks["predicting"] - marks["training"],
        "predict+write+score": marks["done"] - marks["predicting"],
    }
    print(f"{method}: {rows:,} train texts, {n_eval:,} dev + {n_eval:,} test texts")
    print(
        f"  total {result['seconds']:.1f} s ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items())
        + ")"
    )
    print(f"  features {result['info']['features']:,}; dev accuracy {result['dev_primary']:.3f}")
    print(f"  peak RSS {report['peak_mb']:.0f} MB (whole process, Python and libraries included)")


def bench_transformer(args: argparse.Namespace, folder: Path) -> None:
    import baselines

    train_rows = args.steps * 16
    paths = write_task(folder, train_rows, args.eval_rows, seed=2)
    params = {
        "max_steps": args.steps,
        "batch_size": 16,
        "eval_batch_size": 64,
        "max_length": 128,
        "device": args.device,
        "threads": args.threads,
        "log_every": 10**9,
    }
    result = baselines.run(
        method="transformer",
        spec=SPEC,
        train=paths["train"],
        dev=paths["dev"],
        test=paths["test"],
        out=folder / "pred.jsonl",
        model=args.model,
        params=params,
    )
    info = result.info
    print(f"transformer ({args.model or 'packaged all-MiniLM-L6-v2'}) on {result.device}")
    train_what = f"{args.steps} steps of 16, max_length 128"
    print(f"  training:  {info['train_samples_per_s']:.1f} samples/s ({train_what})")
    infer_what = f"{2 * args.eval_rows} rows, batch 64"
    print(f"  inference: {info['predict_samples_per_s']:.1f} samples/s ({infer_what})")
    if "peak_gpu_memory_mb" in info:
        peak = info["peak_gpu_memory_mb"]
        print(f"  peak GPU memory {peak:.0f} MB (torch.cuda.max_memory_allocated)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="TF-IDF training texts")
    parser.add_argument("--tfidf-methods", default="tfidf-lr", help="comma-separated")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--model", help="local model folder (default: the packaged MiniLM)")
    parser.add_argument("--steps", type=int, default=20, help="transformer training steps")
    parser.add_argument("--eval-rows", type=int, default=256, help="dev and test rows each")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument("--skip-tfidf", action="store_true")
    parser.add_argument("--skip-transformer", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-baselines-") as tmp:
        if not args.skip_tfidf:
            for method in args.tfidf_methods.split(","):
                folder = Path(tmp) / method
                folder.mkdir()
                bench_tfidf(method, args.rows, folder)
        if not args.skip_transformer:
            folder = Path(tmp) / "transformer"
            folder.mkdir()
            bench_transformer(args, folder)


if __name__ == "__main__":
    main()
