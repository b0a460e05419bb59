"""Intervals, paired tests, significance clusters and rank ranges for a whole board at once.

Input: the rows of a ranked board (best first), each with its per-item record or None. All rows
are scored on the same seeded resamples (``resample_counts``), so for rows a and b the B
resampled differences ``v_a - v_b`` form a paired bootstrap distribution.

- Interval: the percentile interval of the resampled values (2.5% and 97.5% at 95%); none when
  fewer than half the resamples define the metric (Pearson on a constant prediction).
- Paired test "a beats b" (clusters): one-sided, p = share of resamples where a is not better
  than b (Koehn, 2004).
- Clusters (WMT style): a boundary is drawn below position i when every row above it beats every
  row below it with p < alpha; clusters are the runs between boundaries (1 = top). So any two
  rows in different clusters differ significantly, and rows in one cluster are not separated.
- Rank range: the 2.5% and 97.5% quantiles of the row's competition rank across resamples
  (its best and worst rank in 95% of them).
- Comparison with a reference row (baseline, leader): the observed difference, its percentile
  interval, and a two-sided p-value from the shifted distribution (Berg-Kirkpatrick et al.,
  2012): the share of resamples whose difference deviates from the observed one by at least
  its size.

Rows without a record, with a record of other gold (another digest) or without a statistic for
the metric get no interval and take no part in clusters or rank ranges.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from scorers.stats.records import Record
from scorers.stats.resample import resample_counts
from scorers.stats.sufficient import shared_key, statistic

# Columns of C per matrix product and resamples per chunk. OpenBLAS's product of a (125 x n)
# by an (n x k) matrix is fast up to k of about 100 and several times slower per column beyond
# (measured at n = 100,000), so blocks stay under that.
MAX_COLUMNS = 96
CHUNK = 125


@dataclass(frozen=True)
class Comparison:
    delta: float
    low: float
    high: float
    p_value: float


@dataclass
class RowStats:
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    cluster: int | None = None
    rank_range: tuple[int, int] | None = None
    vs_baseline: Comparison | None = None
    vs_leader: Comparison | None = None


@dataclass
class BoardStats:
    rows: list[RowStats]
    samples: int
    seed: int
    confidence: float
    alpha: float
    with_records: int  # rows that took part


def _usable(records: list[Record | None]) -> list[Record | None]:
    digests = Counter(r.digest for r in records if r is not None)
    if not digests:
        return [None] * len(records)
    # The gold most rows were scored on; a row scored on an older gold waits for its rescore.
    digest = digests.most_common(1)[0][0]
    return [r if r is not None and r.digest == digest else None for r in records]


def metric_draws(
    records: list[Record | None], key: str, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(observed values (T,), resampled values (T, B)); NaN rows where a row has no statistic."""
    t, b = len(records), len(counts)
    observed = np.full(t, np.nan)
    draws = np.full((t, b), np.nan)
    found = [(i, r, statistic(r, key)) for i, r in enumerate(records) if r is not None]
    stats = [(i, r, s) for i, r, s in found if s is not None]
    shared: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
    for _, r, s in stats:
        if s.shared is not None and shared_key(r) not in shared:
            shared[shared_key(r)] = _sums(s.shared(r).astype(s.dtype, copy=False), counts)
    for dtype in (np.float32, np.float64):
        group = [(i, r, s) for i, r, s in stats if s.dtype == dtype]
        block: list[tuple] = []  # (row index, record, columns, statistic)
        width = 0
        for pos, (i, r, s) in enumerate(group):
            cols = s.columns(r).astype(dtype, copy=False)
            block.append((i, r, cols, s))
            width += cols.shape[1]
            if width >= MAX_COLUMNS or pos == len(group) - 1:
                _draw_block(block, counts, shared, observed, draws)
                block, width = [], 0
    return observed, draws


def _sums(matrix: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column totals (the observed sums) and the sums on every resample, (B, columns)."""
    totals = matrix.sum(axis=0, dtype=np.float64)
    sums = np.empty((len(counts), matrix.shape[1]), dtype=np.float64)
    for start in range(0, len(counts), CHUNK):
        weights = counts[start : start + CHUNK].astype(matrix.dtype)
        sums[start : start + CHUNK] = weights @ matrix
    return totals, sums


def _draw_block(block, counts, shared, observed, draws) -> None:
    matrix = np.hstack([cols for _, _, cols, _ in block])
    n = matrix.shape[0]
    bounds = np.cumsum([0] + [cols.shape[1] for _, _, cols, _ in block])
    totals, sums = _sums(matrix, counts)
    for j, (i, r, _, s) in enumerate(block):
        lo, hi = bounds[j], bounds[j + 1]
        row_totals, row_sums = totals[None, lo:hi], sums[:, lo:hi]
        if s.shared is not None:
            gold_totals, gold_sums = shared[shared_key(r)]
            row_totals = np.hstack([gold_totals[None, :], row_totals])
            row_sums = np.hstack([gold_sums, row_sums])
        observed[i] = s.value(row_totals, n)[0]
        draws[i] = s.value(row_sums, n)


def _interval(values: np.ndarray, confidence: float) -> tuple[float, float] | None:
    defined = values[~np.isnan(values)]
    if len(defined) == 0 or len(defined) < len(values) / 2:
        return None
    alpha = (1 - confidence) / 2
    low, high = np.quantile(defined, [alpha, 1 - alpha])
    return float(low), float(high)


def beats_p_values(draws: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """P[a, b]: one-sided p-value of "row a is better than row b" (undefined counts as not)."""
    sign = 1.0 if higher_is_better else -1.0
    scores = sign * draws
    out = np.empty((len(draws), len(draws)))
    for a in range(len(draws)):  # one row at a time: (T, B) memory, not (T, T, B)
        with np.errstate(invalid="ignore"):
            out[a] = 1.0 - (scores[a] > scores).mean(axis=1)
    return out


def clusters(p_values: np.ndarray, alpha: float) -> list[int]:
    """Cluster ids (1 = top) of rows in board order, from ``beats_p_values`` of those rows."""
    t = len(p_values)
    ids, current = [], 1
    for i in range(t):
        ids.append(current)
        if i < t - 1 and p_values[: i + 1, i + 1 :].max() < alpha:
            current += 1
    return ids


def rank_ranges(draws: np.ndarray, higher_is_better: bool, confidence: float) -> np.ndarray:
    """(T, 2) best and worst competition rank of each row in the central resamples."""
    sign = 1.0 if higher_is_better else -1.0
    scores = np.where(np.isnan(draws), -np.inf, sign * draws)
    ranks = np.empty(scores.shape, dtype=np.int64)
    for a in range(len(scores)):
        ranks[a] = 1 + (scores > scores[a]).sum(axis=0)
    alpha = (1 - confidence) / 2
    best = np.quantile(ranks, alpha, axis=1, method="lower")
    worst = np.quantile(ranks, 1 - alpha, axis=1, method="higher")
    return np.column_stack([best, worst]).astype(int)


def compare(
    draws_a: np.ndarray, draws_b: np.ndarray, observed: float, confidence: float
) -> Comparison | None:
    diff = draws_a - draws_b
    diff = diff[~np.isnan(diff)]
    if np.isnan(observed) or len(diff) < len(draws_a) / 2:
        return None
    alpha = (1 - confidence) / 2
    low, high = np.quantile(diff, [alpha, 1 - alpha])
    p = float(np.mean(np.abs(diff - observed) >= abs(observed) - 1e-12))
    return Comparison(float(observed), float(low), float(high), p)


def board_statistics(
    records: list[Record | None],
    *,
    keys: list[str],
    primary: str,
    higher_is_better: bool,
    baseline: int | None = None,
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    alpha: float = 0.05,
) -> BoardStats:
    """Statistics of every row of a board given in rank order (best first).

    ``keys``: the metric outputs to give intervals for (the primary among them); clusters, rank
    ranges and comparisons are on ``primary``. ``baseline``: the row index of the baseline to
    compare with (the best-ranked one), or None. The leader is the first row with a statistic.
    """
    usable = _usable(records)
    rows = [RowStats() for _ in records]
    present = [r for r in usable if r is not None]
    if not present:
        return BoardStats(rows, samples, seed, confidence, alpha, 0)
    counts = resample_counts(present[0].n, samples, seed)
    primary_draws = None
    primary_observed = None
    for key in dict.fromkeys([primary, *keys]):
        observed, draws = metric_draws(usable, key, counts)
        for i, row in enumerate(rows):
            interval = _interval(draws[i], confidence) if not np.isnan(observed[i]) else None
            if interval is not None:
                row.intervals[key] = interval
        if key == primary:
            primary_observed, primary_draws = observed, draws
    assert primary_draws is not None and primary_observed is not None
    tested = [i for i, row in enumerate(rows) if primary in row.intervals]
    if tested:
        sub = primary_draws[tested]
        ids = clusters(beats_p_values(sub, higher_is_better), alpha)
        ranges = rank_ranges(sub, higher_is_better, confidence)
        for j, i in enumerate(tested):
            rows[i].cluster = ids[j]
            rows[i].rank_range = (int(ranges[j, 0]), int(ranges[j, 1]))
        leader = tested[0]
        for i in tested:
            delta = primary_observed[i] - primary_observed[leader]
            if i != leader:
                rows[i].vs_leader = compare(
                    primary_draws[i], primary_draws[leader], delta, confidence
                )
            if baseline is not None and baseline in tested and i != baseline:
                delta = primary_observed[i] - primary_observed[baseline]
                rows[i].vs_baseline = compare(
                    primary_draws[i], primary_draws[baseline], delta, confidence
                )
    return BoardStats(rows, samples, seed, confidence, alpha, len(present))
