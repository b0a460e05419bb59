"""Per-item records: what each metric needs to be recomputed on any resample of a partition.

One file per partition, ``records-<partition>.npz`` (numpy's zip of ``.npy`` arrays, written
with ``np.savez_compressed`` and read with ``allow_pickle=False``, so a file can hold numbers
and strings only, never objects). Arrays, all in gold order of the partition's rows:

- ``version`` (int, 1), ``kind`` ("label", "number", "score", "span" or "mean"), ``n`` (rows),
  ``digest`` (sha256 of the partition's gold values in order: records of two submissions are
  only compared when their digests agree, i.e. they were scored on the same gold),
  ``metrics`` (JSON: ``[{"name", "key", "params"}]`` of the metrics the record supports);
- label: ``y_true``, ``y_pred`` (uint16 codes into ``labels``), ``labels`` (strings);
- number: ``y_true``, ``y_pred`` (float64);
- score: per TPR-at-FPR metric ``hit:<key>`` and ``positive:<key>`` (uint8 flags, with the
  thresholds calibrated once on the whole partition);
- span: ``span_conf`` (n x 9 int32: each row's 3 x 3 token confusion), ``span_exact`` (uint8).
- mean: per output ``mean:<key>`` (float64): the per-item values whose mean is that output's
  score, as an organiser's scoring program wrote them (podium.programs.per_item), in the order
  of the sorted item ids; the ``digest`` is over those sorted ids, since a program's gold is
  not seen here. The metric of each output is named ``mean``.

About 2 to 4 bytes per item before compression for labels and 16 for numbers.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scorers.spec import Spec
from scorers.view import Dataset, View

VERSION = 1
FILE_PATTERN = "records-{partition}.npz"
# Metrics whose intervals can be computed from a record (see scorers.stats.sufficient).
SUPPORTED = {
    "label": {
        "accuracy", "cohen_kappa", "precision", "recall", "f1",
        "macro_precision", "macro_recall", "macro_f1", "micro_precision", "micro_recall",
        "micro_f1", "weighted_precision", "weighted_recall", "weighted_f1",
    },
    "number": {"mae", "pearson", "spearman"},
    "score": {"tpr_at_fpr"},
    "span": {"span_f1", "span_precision", "span_recall", "span_exact_match"},
    "mean": {"mean"},
}  # fmt: skip


class RecordError(ValueError):
    """A record file is not one this module wrote (or a later, unknown version)."""


@dataclass
class Record:
    kind: str
    n: int
    digest: str
    metrics: list[dict[str, Any]]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def metric(self, key: str) -> dict[str, Any] | None:
        return next((m for m in self.metrics if m["key"] == key), None)


def _digest(ds: Dataset, rows: np.ndarray) -> str:
    # Label codes depend on the labels a submission predicted, so the gold is hashed as text.
    h = hashlib.sha256(f"{ds.kind}|{len(rows)}|".encode())
    if ds.kind == "span":
        h.update(np.ascontiguousarray(ds.extra["span_conf"][rows].sum(axis=2)).tobytes())
    elif ds.labels:
        h.update("\n".join(np.asarray(ds.labels, dtype=str)[ds.y_true[rows]]).encode())
    else:
        h.update(np.ascontiguousarray(ds.y_true[rows]).tobytes())
    return h.hexdigest()


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in params.items() if isinstance(v, (str, int, float, bool, list, type(None)))
    }


def build_record(spec: Spec, ds: Dataset, rows: np.ndarray) -> Record:
    """The record of rows ``rows`` (one partition) of an aligned dataset."""
    supported = SUPPORTED.get(ds.kind, set())
    metrics = [
        {"name": m.name, "key": m.key, "params": _plain(m.params)}
        for m in spec.metrics
        if m.name in supported
    ]
    arrays: dict[str, np.ndarray] = {}
    if ds.kind == "label":
        arrays["y_true"] = ds.y_true[rows].astype(np.uint16)
        arrays["y_pred"] = ds.y_pred[rows].astype(np.uint16)
        arrays["labels"] = np.array(ds.labels, dtype=str)
    elif ds.kind == "number":
        arrays["y_true"] = ds.y_true[rows].astype(np.float64)
        arrays["y_pred"] = ds.y_pred[rows].astype(np.float64)
    elif ds.kind == "score":
        from scorers.metrics.ranking import _positive_mask, domain_thresholds

        root = View(ds, rows)
        for m in spec.metrics:
            if m.name != "tpr_at_fpr":
                continue
            params = m.params
            pos = _positive_mask(root, params)
            thresholds = domain_thresholds(root, params)
            if params.get("domain_field"):
                domains = root.column(params["domain_field"])[0]
            else:
                domains = np.zeros(len(root), dtype=np.int64)
            cut = np.array(
                [
                    pair[0] if (pair := thresholds.get(c)) else np.inf
                    for c in range(max(thresholds, default=0) + 1)
                ]
            )
            arrays[f"positive:{m.key}"] = pos.astype(np.uint8)
            arrays[f"hit:{m.key}"] = (pos & (root.y_pred >= cut[domains])).astype(np.uint8)
    elif ds.kind == "span":
        arrays["span_conf"] = ds.extra["span_conf"][rows].reshape(len(rows), 9).astype(np.int32)
        arrays["span_exact"] = ds.extra["span_exact"][rows].astype(np.uint8)
    return Record(ds.kind, len(rows), _digest(ds, rows), metrics, arrays)


def mean_digest(ids: list[str]) -> str:
    """The digest of a mean record: its item ids, sorted (so the program's order is irrelevant)."""
    h = hashlib.sha256(f"mean|{len(ids)}|".encode())
    h.update("\n".join(sorted(ids)).encode())
    return h.hexdigest()


def build_mean_record(ids: list[str], values: dict[str, np.ndarray]) -> Record:
    """The record of per-item values by output key, given in the order of ``ids`` (unique)."""
    order = np.argsort(np.array(ids, dtype=str), kind="stable")
    arrays = {f"mean:{key}": np.asarray(v, dtype=np.float64)[order] for key, v in values.items()}
    metrics = [{"name": "mean", "key": key, "params": {}} for key in values]
    return Record("mean", len(ids), mean_digest(ids), metrics, arrays)


def dump_record(record: Record) -> bytes:
    out = io.BytesIO()
    np.savez_compressed(
        out,
        version=np.array(VERSION),
        kind=np.array(record.kind),
        n=np.array(record.n),
        digest=np.array(record.digest),
        metrics=np.array(json.dumps(record.metrics)),
        # The default, named so that mypy does not take **record.arrays as its value.
        allow_pickle=True,
        **record.arrays,
    )
    return out.getvalue()


def load_record(data: bytes) -> Record:
    """Parse a record file; raises RecordError for anything this module would not write."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except Exception as exc:
        raise RecordError(f"not a record file: {exc}") from None
    try:
        if int(arrays.pop("version")) != VERSION:
            raise RecordError("unknown record version")
        kind = str(arrays.pop("kind"))
        n = int(arrays.pop("n"))
        digest = str(arrays.pop("digest"))
        metrics = json.loads(str(arrays.pop("metrics")))
    except (KeyError, ValueError, TypeError) as exc:
        raise RecordError(f"record header missing or bad: {exc}") from None
    if kind not in SUPPORTED or not isinstance(metrics, list):
        raise RecordError(f"unknown record kind {kind!r}")
    for name, arr in arrays.items():
        if name != "labels" and (arr.ndim == 0 or len(arr) != n):
            raise RecordError(f"array {name} has {arr.shape} rows, expected {n}")
    return Record(kind, n, digest, metrics, arrays)


def partition_rows(spec: Spec, ds: Dataset) -> dict[str, np.ndarray]:
    """Row indexes of each partition present ("all" without a partition field)."""
    if not spec.partition_field:
        return {"all": np.arange(len(ds))}
    factor = ds.columns[spec.partition_field]
    return {
        value: np.flatnonzero(factor.codes == code)
        for code, value in enumerate(factor.values)
        if value in ("public", "private")
    }


def write_records(spec: Spec, ds: Dataset, directory: str | Path) -> list[str]:
    """Write one record file per partition into ``directory``; returns the file names."""
    names = []
    for partition, rows in partition_rows(spec, ds).items():
        name = FILE_PATTERN.format(partition=partition)
        (Path(directory) / name).write_bytes(dump_record(build_record(spec, ds, rows)))
        names.append(name)
    return names
