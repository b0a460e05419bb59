"""From validated gold and aligned predictions to the numpy :class:`Dataset` metrics use."""

from __future__ import annotations

from typing import Any

import numpy as np

from scorers.gold import Gold
from scorers.spec import Spec
from scorers.view import Dataset, Factor


def factorize(values: list[str]) -> Factor:
    """Codes into the sorted distinct values (sorted so that outputs are deterministic)."""
    distinct = sorted(set(values))
    lookup = {v: i for i, v in enumerate(distinct)}
    codes = np.fromiter(map(lookup.__getitem__, values), dtype=np.int64, count=len(values))
    return Factor(codes, distinct)


def vocabulary(spec: Spec, *label_lists: list[str]) -> list[str]:
    """Every label that can occur: the spec's, the ones metrics list, and those seen."""
    labels: set[str] = set(spec.labels or ())
    for m in spec.metrics:
        if isinstance(m.params.get("labels"), list):
            labels.update(m.params["labels"])
        for p in ("pos_label", "positive", "negative"):
            if m.params.get(p) is not None:
                labels.add(str(m.params[p]))
    for values in label_lists:
        labels.update(values)
    return sorted(labels)


def build_dataset(spec: Spec, gold: Gold, pred: list[Any]) -> Dataset:
    columns = {c: factorize(v) for c, v in gold.columns.items()}
    kind = spec.kind
    if kind == "span":
        # Imported here: label and number tasks never load the span machinery.
        from scorers.metrics.fincausal import encode_rows

        assert gold.texts is not None
        conf, exact = encode_rows(gold.ids, gold.texts, gold.values, pred)
        rows = np.arange(len(gold))
        return Dataset(kind, rows, rows, [], columns, {"span_conf": conf, "span_exact": exact})
    if kind == "number":
        y_true = np.asarray(gold.values, dtype=np.float64)
        return Dataset(kind, y_true, np.asarray(pred, dtype=np.float64), [], columns)
    labels = vocabulary(spec, gold.values, pred if kind == "label" else [])
    lookup = {v: i for i, v in enumerate(labels)}
    y_true = np.fromiter(map(lookup.__getitem__, gold.values), dtype=np.int64, count=len(gold))
    if kind == "label":
        y_pred = np.fromiter(map(lookup.__getitem__, pred), dtype=np.int64, count=len(pred))
    else:
        y_pred = np.asarray(pred, dtype=np.float64)
    return Dataset(kind, y_true, y_pred, labels, columns)
