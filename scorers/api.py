"""The Python API the platform calls, and what the CLI prints."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from scorers.build import build_dataset
from scorers.coverage import covered_only
from scorers.errors import SubmissionError
from scorers.gold import load_gold, read_gold
from scorers.spec import Bootstrap, Spec, load_spec
from scorers.validate import align_predictions
from scorers.view import Dataset

PathLike = str | Path
TOO_LARGE = (
    "the file is too large to read within the scorer's memory limit; "
    "submit fewer or shorter rows (one row per test input)"
)


def _spec(spec: dict[str, Any] | Spec) -> Spec:
    return spec if isinstance(spec, Spec) else load_spec(spec)


def check_gold(spec: dict[str, Any] | Spec, gold_path: PathLike) -> list[dict[str, Any]]:
    """Errors of a gold file (empty when valid). Raises SpecError for a bad spec."""
    _, errors = read_gold(_spec(spec), gold_path)
    return errors.as_list()


def load_dataset(spec: Spec, gold_path: PathLike, pred_path: PathLike) -> Dataset:
    """Gold and predictions aligned; raises GoldError or SubmissionError."""
    from scorers import fastpath

    try:
        dataset = fastpath.try_dataset(spec, gold_path, pred_path)
    except Exception as exc:  # any fast-path bug: the thorough path below is authoritative
        print(f"scorers: fast path failed ({exc!r}); reading thoroughly", file=sys.stderr)
        dataset = None
    if dataset is not None:
        return dataset
    gold = load_gold(spec, gold_path)
    try:
        aligned, errors = align_predictions(spec, gold, pred_path)
    except MemoryError:
        # The sandbox's memory limit: within the size and row limits, a file can still be too
        # large to read as Python objects. The participant's file, not a scorer failure.
        raise SubmissionError([{"line": None, "column": None, "message": TOO_LARGE}]) from None
    if aligned is None:
        raise SubmissionError(errors.as_list())
    if spec.min_coverage is not None:
        # Validation left None where an id has no prediction; those rows are not scored.
        gold, aligned = covered_only(gold, aligned, [v is not None for v in aligned])
    return build_dataset(spec, gold, aligned)


def score_files(
    spec: dict[str, Any] | Spec,
    gold_path: PathLike,
    pred_path: PathLike,
    records_dir: PathLike | None = None,
) -> dict[str, Any]:
    """What ``python -m scorers score`` prints: ok and scores, or ok false and errors.

    With ``records_dir``, a scored submission also leaves its per-item records there, one file
    per partition (scorers.stats.records), for the leaderboard's intervals.
    Raises SpecError for a bad spec and GoldError for a bad gold file.
    """
    from scorers.breakdown import score_dataset

    spec = _spec(spec)
    try:
        dataset = load_dataset(spec, gold_path, pred_path)
    except SubmissionError as exc:
        return {"ok": False, "errors": exc.errors}
    scores = score_dataset(spec, dataset)
    if records_dir is not None:
        from scorers.stats.records import write_records

        write_records(spec, dataset, records_dir)
    return {"ok": True, "scores": scores}


def compare_files(
    spec: dict[str, Any] | Spec,
    gold_path: PathLike,
    pred_a: PathLike,
    pred_b: PathLike,
    metric: str | None = None,
    samples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Paired bootstrap test of two submissions on ``metric`` (the primary by default).

    With a partition field, only the public partition is compared: comparing on private ids
    is for organisers after the reveal, with a dev-style gold.
    """
    from scorers.bootstrap import paired_bootstrap

    spec = _spec(spec)
    datasets = []
    for path in (pred_a, pred_b):
        try:
            datasets.append(load_dataset(spec, gold_path, path))
        except SubmissionError as exc:
            return {"ok": False, "file": str(path), "errors": exc.errors}
    boot = spec.bootstrap or Bootstrap(samples=samples, seed=seed)
    key = metric or spec.primary
    ds_a, ds_b = datasets
    if spec.partition_field:
        ds_a, ds_b = (_public_only(spec, ds) for ds in datasets)
    return {"ok": True, "comparison": paired_bootstrap(spec, ds_a, ds_b, key, boot)}


def _public_only(spec: Spec, ds: Dataset) -> Dataset:
    import numpy as np

    from scorers.view import Factor

    assert spec.partition_field
    factor = ds.columns[spec.partition_field]
    if "public" not in factor.values:
        rows = np.zeros(0, dtype=np.int64)
    else:
        rows = np.flatnonzero(factor.codes == factor.values.index("public"))
    columns = {k: Factor(f.codes[rows], f.values) for k, f in ds.columns.items()}
    extra = {k: v[rows] for k, v in ds.extra.items()}
    return Dataset(ds.kind, ds.y_true[rows], ds.y_pred[rows], ds.labels, columns, extra)
