"""Seeded bootstrap over ids: confidence intervals and a paired test between two submissions.

Resampling is over rows (ids) of a partition; each sample is scored from scratch as its own
root, so metrics that calibrate on the partition (RAID thresholds) are recalibrated per
sample, as a rerun of the task on that sample would be.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scorers.compute import compute
from scorers.spec import Bootstrap, Spec
from scorers.view import Dataset, View


def _samples(n: int, boot: Bootstrap):
    rng = np.random.default_rng(boot.seed)
    for _ in range(boot.samples):
        yield rng.integers(0, n, size=n)


def _interval(values: list[float | None], confidence: float) -> list[float] | None:
    defined = np.array([v for v in values if v is not None], dtype=np.float64)
    # An interval from a minority of the samples would be misleading.
    if len(defined) < len(values) / 2 or len(defined) == 0:
        return None
    alpha = (1 - confidence) / 2
    low, high = np.quantile(defined, [alpha, 1 - alpha])
    return [float(low), float(high)]


def bootstrap_ci(
    spec: Spec, ds: Dataset, idx: np.ndarray | None, boot: Bootstrap
) -> dict[str, list[float] | None]:
    """Percentile interval of each output key of the overall scores of rows ``idx``."""
    rows = np.arange(len(ds)) if idx is None else idx
    if len(rows) == 0:
        return {}
    draws: dict[str, list[float | None]] = {}
    for sample in _samples(len(rows), boot):
        for key, value in compute(spec, View(ds, rows[sample])).items():
            draws.setdefault(key, []).append(value)
    return {key: _interval(values, boot.confidence) for key, values in draws.items()}


def paired_bootstrap(
    spec: Spec, ds_a: Dataset, ds_b: Dataset, key: str, boot: Bootstrap
) -> dict[str, Any]:
    """Compare submissions A and B on the same gold for metric output ``key``.

    delta = A - B. The p-value is two-sided, for the null hypothesis of no difference, from the
    shifted bootstrap distribution (Berg-Kirkpatrick et al., 2012): the share of samples whose
    delta deviates from the observed one by at least |observed|.
    """
    if len(ds_a) != len(ds_b):
        raise ValueError("the two submissions were not aligned on the same gold")
    a = compute(spec, View(ds_a))[key]
    b = compute(spec, View(ds_b))[key]
    if a is None or b is None:
        return {"metric": key, "a": a, "b": b, "delta": None, "p_value": None, "ci": None}
    observed = a - b
    deltas: list[float | None] = []
    for sample in _samples(len(ds_a), boot):
        sa = compute(spec, View(ds_a, sample))[key]
        sb = compute(spec, View(ds_b, sample))[key]
        deltas.append(None if sa is None or sb is None else sa - sb)
    defined = np.array([d for d in deltas if d is not None])
    p_value = None
    if len(defined):
        p_value = float(np.mean(np.abs(defined - observed) >= abs(observed) - 1e-15))
    return {
        "metric": key,
        "a": a,
        "b": b,
        "delta": observed,
        "p_value": p_value,
        "ci": _interval(deltas, boot.confidence),
    }
