"""Numeric metrics: MAE (SemEval-2024 Task 8 C), Pearson (STS), Spearman (STR).

Implemented in numpy rather than scipy so that the CLI imports nothing heavy; the fidelity tests
check them against scipy.stats to 1e-9.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scorers.metrics import register
from scorers.view import View


def rankdata(values: np.ndarray) -> np.ndarray:
    """Ranks starting at 1, ties given their average rank (scipy's method="average")."""
    n = len(values)
    # Any order of equal values gives the same ranks (each run gets its average): numpy's
    # default sort, vectorised, is about three times faster than a stable one here.
    order = np.argsort(values)
    ordered = values[order]
    new_run = np.empty(n, dtype=bool)
    new_run[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_run[1:])
    ranks = np.empty(n, dtype=np.float64)
    if new_run.all():  # no ties (continuous predictions): the k-th smallest has rank k
        ranks[order] = np.arange(1, n + 1, dtype=np.float64)
        return ranks
    run_id = np.cumsum(new_run)  # 1 for the first run
    bounds = np.append(np.flatnonzero(new_run), n)
    # Each run's average rank, computed once per run (index 0 unused), then given to its rows.
    average = np.empty(len(bounds), dtype=np.float64)
    average[1:] = 0.5 * (bounds[1:] + bounds[:-1] + 1)
    ranks[order] = average[run_id]
    return ranks


def pearson_r(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r; None when undefined (fewer than 2 rows or a constant side).

    Same order of operations as scipy.stats.pearsonr: centre, scale by the largest deviation
    (so that tiny or huge values neither underflow nor overflow), normalise, dot.
    """
    if len(x) < 2 or (x == x[0]).all() or (y == y[0]).all():
        return None
    xm = x - x.mean()
    ym = y - y.mean()
    xm = xm / np.abs(xm).max()
    ym = ym / np.abs(ym).max()
    nx = np.linalg.norm(xm)
    ny = np.linalg.norm(ym)
    if nx == 0 or ny == 0:
        return None
    r = float(np.dot(xm / nx, ym / ny))
    return max(-1.0, min(1.0, r))


@register("mae", "number")
def mae(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    if len(view) == 0:
        return {key: None}
    return {key: float(np.mean(np.abs(view.y_true - view.y_pred)))}


@register("pearson", "number")
def pearson(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    return {key: pearson_r(view.y_true, view.y_pred)}


@register("spearman", "number")
def spearman(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    if len(view) < 2:
        return {key: None}
    return {key: pearson_r(rankdata(view.y_true), rankdata(view.y_pred))}
