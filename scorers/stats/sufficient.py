"""Each supported metric as a function of per-item column sums.

A resample of a partition is a vector of counts ``w`` (how often each item was drawn), and every
metric here is a function of ``w @ C`` for a small per-item matrix ``C``; so all resamples of a
row cost one matrix product. ``Statistic.columns(record)`` is ``C`` (n x s) and
``Statistic.value(S, n)`` turns the sums ``S`` (B x s) of B resamples into B metric values
(NaN where the metric is undefined on that resample).

- accuracy, P/R/F1 (macro, micro, weighted, binary), Cohen's kappa: per-class gold, predicted
  and true-positive counts (3K columns, the K gold ones shared by all rows); exactly the
  scorer's formulas on the resampled confusion margins, including the classes present in the
  resample when the spec fixes none.
- MAE: the absolute error. Pearson: x, x^2 (shared), y, y^2, xy of values centred on the
  partition means (centring keeps the sums well conditioned).
- Spearman: Pearson on the ranks of the whole partition (average ranks for ties). Exact for the
  observed score; on a resample it is an approximation, because the ranks are not recomputed
  within the resample (duplicated items would share a rank). The difference is of order 1/n.
- TPR at FPR: per-domain thresholds calibrated once on the whole partition, then TPR of each
  resample; the threshold's own sampling variation is not included, so the interval is a little
  narrow when the partition has few human-written texts per domain.
- Span P/R/F1: the summed 3 x 3 token confusion; exact match: the per-row flag.
- Mean of per-item values (an organiser's program's ``per_item.csv``, record kind "mean"): the
  value itself; exact, like MAE.
- AUROC, and outputs of organisers' programs without per-item values: no statistic, so no
  interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from scorers.metrics.regression import rankdata
from scorers.stats.records import Record

AVERAGES = ("macro", "micro", "weighted", "binary")


@dataclass(frozen=True)
class Statistic:
    columns: Callable[[Record], np.ndarray]
    value: Callable[[np.ndarray, int], np.ndarray]
    # float32 sums are exact for counts below 2**24 items and twice as fast as float64.
    dtype: type = np.float64
    # Columns that depend on the gold only (the same for every row on one gold), summed once
    # per board; `value` receives their sums first, then the row's own.
    shared: Callable[[Record], np.ndarray] | None = None


def shared_key(record: Record) -> tuple:
    """Rows whose shared columns are equal: one gold, and for labels one label coding."""
    labels = record.arrays.get("labels")
    return (record.digest, tuple(labels.tolist()) if labels is not None else ())


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast(num, den).shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _gold_columns(record: Record) -> np.ndarray:
    k = len(record.arrays["labels"])
    c = np.zeros((record.n, k), dtype=np.float32)
    c[np.arange(record.n), record.arrays["y_true"].astype(np.int64)] = 1
    return c


def _label_columns(record: Record) -> np.ndarray:
    """Predicted and true-positive indicators per class (gold ones are shared)."""
    k = len(record.arrays["labels"])
    t = record.arrays["y_true"].astype(np.int64)
    p = record.arrays["y_pred"].astype(np.int64)
    c = np.zeros((record.n, 2 * k), dtype=np.float32)
    rows = np.arange(record.n)
    c[rows, p] = 1
    hit = t == p
    c[rows[hit], k + t[hit]] = 1
    return c


def _split(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    k = sums.shape[1] // 3
    return sums[:, :k], sums[:, k : 2 * k], sums[:, 2 * k :]


def _prf(which: str, params: dict[str, Any], labels: list[str]) -> Callable:
    average = params.get("average", "macro")
    fixed = params.get("labels")
    if fixed == "spec":
        fixed = params.get("_spec_labels")
    index = [labels.index(x) for x in fixed if x in labels] if fixed else None
    pos = params.get("pos_label")
    pos_code = labels.index(str(pos)) if pos is not None and str(pos) in labels else None

    def value(sums: np.ndarray, n: int) -> np.ndarray:
        true, pred, tp = _split(sums)
        num, den = {"p": (tp, pred), "r": (tp, true), "f": (2 * tp, pred + true)}[which]
        if average == "binary":
            if pos_code is None:
                return np.zeros(len(sums))
            return _ratio(num[:, pos_code], den[:, pos_code])
        if index is not None:
            sel = np.zeros(true.shape, dtype=bool)
            sel[:, index] = True
        else:
            sel = (true + pred) > 0
        if average == "micro":
            return _ratio((num * sel).sum(axis=1), (den * sel).sum(axis=1))
        per_class = _ratio(num, den)
        if average == "macro":
            return _ratio((per_class * sel).sum(axis=1), sel.sum(axis=1))
        weights = true * sel
        return _ratio((per_class * weights).sum(axis=1), weights.sum(axis=1))

    return value


def _accuracy(sums: np.ndarray, n: int) -> np.ndarray:
    return sums[:, 0] / n


def _accuracy_columns(record: Record) -> np.ndarray:
    hit = record.arrays["y_true"] == record.arrays["y_pred"]
    return hit.astype(np.float32)[:, None]


def _kappa(sums: np.ndarray, n: int) -> np.ndarray:
    true, pred, tp = _split(sums)
    observed = tp.sum(axis=1) / n
    expected = (true * pred).sum(axis=1) / (n * n)
    out = np.full(len(sums), np.nan)
    ok = ~np.isclose(expected, 1.0, rtol=0, atol=1e-15)
    out[ok] = (observed[ok] - expected[ok]) / (1 - expected[ok])
    return out


def _centred(values: np.ndarray) -> np.ndarray:
    return values - values.mean()


def _gold_pair_columns(record: Record, ranks: bool) -> np.ndarray:
    x = record.arrays["y_true"]
    x = _centred(rankdata(x) if ranks else x)
    return np.column_stack([x, x * x])


def _pair_columns(record: Record, ranks: bool) -> np.ndarray:
    x, y = record.arrays["y_true"], record.arrays["y_pred"]
    x, y = (_centred(rankdata(v) if ranks else v) for v in (x, y))
    return np.column_stack([y, y * y, x * y])


def _pearson(sums: np.ndarray, n: int) -> np.ndarray:
    sx, sxx, sy, syy, sxy = sums.T
    cov = n * sxy - sx * sy
    var = (n * sxx - sx * sx) * (n * syy - sy * sy)
    out = np.full(len(sums), np.nan)
    ok = var > 1e-300
    out[ok] = np.clip(cov[ok] / np.sqrt(var[ok]), -1.0, 1.0)
    return out


def _span_value(which: str) -> Callable:
    def value(sums: np.ndarray, n: int) -> np.ndarray:
        conf = sums.reshape(len(sums), 3, 3)
        tp = np.diagonal(conf, axis1=1, axis2=2)
        pred, true = conf.sum(axis=1), conf.sum(axis=2)
        num, den = {"p": (tp, pred), "r": (tp, true), "f": (2 * tp, pred + true)}[which]
        return _ratio((_ratio(num, den) * true).sum(axis=1), true.sum(axis=1))

    return value


def _mean_of_first(sums: np.ndarray, n: int) -> np.ndarray:
    return sums[:, 0] / n


def _tpr(key: str) -> Statistic:
    def columns(record: Record) -> np.ndarray:
        return np.column_stack(
            [record.arrays[f"hit:{key}"], record.arrays[f"positive:{key}"]]
        ).astype(np.float32)

    def value(sums: np.ndarray, n: int) -> np.ndarray:
        out = np.full(len(sums), np.nan)
        ok = sums[:, 1] > 0
        out[ok] = sums[ok, 0] / sums[ok, 1]
        return out

    return Statistic(columns, value, np.float32)


def statistic(record: Record, key: str) -> Statistic | None:
    """The statistic of output ``key`` in ``record``, or None when it has none (no interval)."""
    metric = record.metric(key)
    if metric is None:
        return None
    name, params = metric["name"], metric["params"]
    if record.kind == "label":
        labels = [str(x) for x in record.arrays["labels"]]
        if name == "accuracy":
            return Statistic(_accuracy_columns, _accuracy, np.float32)
        if name == "cohen_kappa":
            return Statistic(_label_columns, _kappa, np.float32, _gold_columns)
        which = {"precision": "p", "recall": "r", "f1": "f"}[name.rsplit("_", 1)[-1]]
        return Statistic(_label_columns, _prf(which, params, labels), np.float32, _gold_columns)
    if record.kind == "number":
        if name == "mae":
            return Statistic(
                lambda r: np.abs(r.arrays["y_true"] - r.arrays["y_pred"])[:, None],
                _mean_of_first,
            )
        ranks = name == "spearman"
        return Statistic(
            lambda r: _pair_columns(r, ranks),
            _pearson,
            shared=lambda r: _gold_pair_columns(r, ranks),
        )
    if record.kind == "score":
        return _tpr(key)
    if record.kind == "mean":
        return Statistic(lambda r: r.arrays[f"mean:{key}"][:, None], _mean_of_first)
    if record.kind == "span":
        if name == "span_exact_match":
            return Statistic(
                lambda r: r.arrays["span_exact"].astype(np.float32)[:, None],
                _mean_of_first,
                np.float32,
            )
        which = {"span_f1": "f", "span_precision": "p", "span_recall": "r"}[name]
        return Statistic(lambda r: r.arrays["span_conf"].astype(np.float32), _span_value(which))
    return None
