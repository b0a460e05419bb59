"""The board bootstrap as a statistician would check it (fixed seeds throughout):

- coverage: with the true accuracy known, the 95% interval contains it 93-97% of the time over
  1,000 simulated test sets;
- paired tests agree with the classical ones (scipy): McNemar's exact test for accuracy, the
  paired t-test for MAE; and the clusters drawn from them agree on small cases;
- clusters and rank ranges behave: clear gaps split, ties do not.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scorers.stats.board import (
    beats_p_values,
    board_statistics,
    clusters,
    metric_draws,
)
from scorers.stats.records import Record
from scorers.stats.resample import resample_counts


def label_record(truth: np.ndarray, guess: np.ndarray, metrics=("accuracy",)) -> Record:
    return Record(
        "label",
        len(truth),
        "gold",
        [{"name": m, "key": m, "params": {"average": "macro"}} for m in metrics],
        {
            "y_true": truth.astype(np.uint16),
            "y_pred": guess.astype(np.uint16),
            "labels": np.array(["a", "b"]),
        },
    )


def number_record(truth: np.ndarray, guess: np.ndarray) -> Record:
    metrics = [{"name": m, "key": m, "params": {}} for m in ("mae", "pearson")]
    return Record("number", len(truth), "gold", metrics, {"y_true": truth, "y_pred": guess})


def test_the_accuracy_interval_covers_the_true_accuracy_95_percent_of_the_time():
    rng = np.random.default_rng(2024)
    n, true_accuracy, simulations = 500, 0.8, 1000
    truth = np.zeros(n, dtype=np.int64)
    covered = 0
    # 10 boards of 100 independent test sets (rows); each board has its own seeded resamples.
    for board in range(10):
        records = []
        for _ in range(simulations // 10):
            correct = rng.random(n) < true_accuracy
            records.append(label_record(truth, np.where(correct, 0, 1)))
        counts = resample_counts(n, 1000, seed=board)
        _, draws = metric_draws(records, "accuracy", counts)
        low, high = np.quantile(draws, [0.025, 0.975], axis=1)
        covered += int(((low <= true_accuracy) & (true_accuracy <= high)).sum())
    assert 0.93 <= covered / simulations <= 0.97


def test_mae_interval_covers_the_true_mae():
    rng = np.random.default_rng(7)
    n, simulations = 400, 500
    # |N(0, 1)| has mean sqrt(2 / pi).
    true_mae = np.sqrt(2 / np.pi)
    records = []
    for _ in range(simulations):
        truth = rng.normal(size=n)
        records.append(number_record(truth, truth + rng.normal(size=n)))
    _, draws = metric_draws(records, "mae", resample_counts(n, 1000, seed=1))
    low, high = np.quantile(draws, [0.025, 0.975], axis=1)
    assert 0.92 <= np.mean((low <= true_mae) & (true_mae <= high)) <= 0.98


def _mcnemar_one_sided(a_correct: np.ndarray, b_correct: np.ndarray) -> float:
    only_a = int(np.sum(a_correct & ~b_correct))
    only_b = int(np.sum(~a_correct & b_correct))
    if only_a + only_b == 0:
        return 1.0
    return stats.binomtest(only_a, only_a + only_b, 0.5, alternative="greater").pvalue


@pytest.mark.parametrize("seed", range(6))
def test_accuracy_paired_p_values_agree_with_mcnemar(seed: int):
    rng = np.random.default_rng(seed)
    n = 2000
    truth = np.zeros(n, dtype=np.int64)
    a = rng.random(n) < 0.75
    b = np.where(rng.random(n) < 0.85, a, rng.random(n) < 0.72)
    records = [label_record(truth, np.where(c, 0, 1)) for c in (a, b)]
    _, draws = metric_draws(records, "accuracy", resample_counts(n, 4000, seed=seed))
    boot = beats_p_values(draws, higher_is_better=True)[0, 1]
    assert boot == pytest.approx(_mcnemar_one_sided(a, b), abs=0.04)


@pytest.mark.parametrize("seed", range(6))
def test_mae_paired_p_values_agree_with_the_paired_t_test(seed: int):
    rng = np.random.default_rng(100 + seed)
    n = 1500
    truth = rng.normal(size=n)
    err_a = np.abs(rng.normal(size=n))
    err_b = err_a + rng.normal(0.03, 0.5, size=n)
    records = [number_record(truth, truth + e) for e in (err_a, err_b)]
    _, draws = metric_draws(records, "mae", resample_counts(n, 4000, seed=seed))
    boot = beats_p_values(draws, higher_is_better=False)[0, 1]
    want = stats.ttest_rel(np.abs(err_a), np.abs(err_b), alternative="less").pvalue
    assert boot == pytest.approx(want, abs=0.04)


def test_clusters_agree_with_clusters_from_mcnemar_on_small_boards():
    rng = np.random.default_rng(11)
    n = 1000
    truth = np.zeros(n, dtype=np.int64)
    base = rng.random(n)

    def flipped(correct: np.ndarray) -> np.ndarray:
        # The same accuracy: 10% of the items shuffled among themselves.
        out = correct.copy()
        some = rng.choice(n, size=n // 10, replace=False)
        out[some] = rng.permutation(out[some])
        return out

    # Two near-tied pairs far apart from each other: two clusters of two.
    top, bottom = base < 0.9, base < 0.7
    corrects = [top, flipped(top), bottom, flipped(bottom)]
    order = np.argsort([-c.mean() for c in corrects], kind="stable")
    corrects = [corrects[i] for i in order]
    records = [label_record(truth, np.where(c, 0, 1)) for c in corrects]
    result = board_statistics(records, keys=["accuracy"], primary="accuracy",
                              higher_is_better=True, samples=2000, seed=5)  # fmt: skip
    ours = [row.cluster for row in result.rows]
    classical = np.array(
        [[_mcnemar_one_sided(corrects[i], corrects[j]) for j in range(4)] for i in range(4)]
    )
    assert ours == clusters(classical, 0.05) == [1, 1, 2, 2]


def test_rank_ranges_overlap_for_ties_and_not_across_clear_gaps():
    rng = np.random.default_rng(3)
    n = 2000
    truth = np.zeros(n, dtype=np.int64)
    base = rng.random(n)
    twin = base < 0.9
    some = rng.choice(n, size=n // 10, replace=False)
    twin[some] = rng.permutation(twin[some])  # the same accuracy, other items right
    corrects = [base < 0.9, twin, base < 0.6]
    records = [label_record(truth, np.where(c, 0, 1)) for c in corrects]
    result = board_statistics(records, keys=["accuracy"], primary="accuracy",
                              higher_is_better=True, samples=1000, seed=0)  # fmt: skip
    ranges = [row.rank_range for row in result.rows]
    assert ranges[0] == (1, 2) and ranges[1] == (1, 2) and ranges[2] == (3, 3)
    assert [row.cluster for row in result.rows] == [1, 1, 2]


def test_comparisons_with_baseline_and_leader_and_reproducibility():
    rng = np.random.default_rng(9)
    n = 1500
    truth = rng.normal(size=n)
    errors = [np.abs(rng.normal(0, s, n)) for s in (0.5, 0.8, 1.0)]
    records = [number_record(truth, truth + e) for e in errors]
    kwargs = dict(keys=["mae", "pearson"], primary="mae", higher_is_better=False, baseline=2)
    result = board_statistics(records, **kwargs)
    again = board_statistics(records, **kwargs)
    assert [r.intervals for r in result.rows] == [r.intervals for r in again.rows]
    leader = result.rows[0]
    assert leader.vs_leader is None and leader.vs_baseline.delta < 0
    assert leader.vs_baseline.high < 0 and leader.vs_baseline.p_value < 0.01
    assert result.rows[2].vs_baseline is None
    low, high = leader.intervals["mae"]
    assert low < float(np.mean(errors[0])) < high
    assert set(leader.intervals) == {"mae", "pearson"}


def test_rows_without_records_or_with_other_gold_get_nothing():
    truth = np.zeros(200, dtype=np.int64)
    good = label_record(truth, np.zeros(200))
    stale = label_record(truth, np.zeros(200))
    stale.digest = "older gold"
    other = label_record(truth, np.ones(200))
    result = board_statistics([good, None, stale, other], keys=["accuracy"],
                              primary="accuracy", higher_is_better=True)  # fmt: skip
    assert result.rows[1].intervals == {} and result.rows[1].cluster is None
    assert result.rows[2].intervals == {} and result.rows[2].rank_range is None
    assert result.rows[0].cluster == 1 and result.rows[3].cluster == 2
    assert result.with_records == 2
