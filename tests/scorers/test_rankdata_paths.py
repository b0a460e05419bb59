"""rankdata (scorers.metrics.regression) takes one of two paths: without ties, the k-th smallest
value gets rank k; with ties, each run of equal values gets its average rank. Both must give
scipy's ranks exactly, since Spearman's rho is computed from them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scorers.metrics.regression import rankdata


def _columns() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(21)
    n = 20_000
    return {
        "continuous, no ties": rng.random(n) * 5,
        "gold with one decimal": np.round(rng.random(n) * 5, 1),
        "integers 0..3": rng.integers(0, 4, n).astype(np.float64),
        "signed zeros and a few values": rng.choice([-0.0, 0.0, 1.5, -2.0], n),
        "some ties among many values": np.round(rng.random(n) * 1000, 1),
        "small": np.array([3.0, 1.0, 2.0, 2.0]),
        "sampled few, rest many": np.concatenate([np.zeros(5000), rng.random(n)]),
    }


@pytest.mark.parametrize("name", sorted(_columns()))
def test_ranks_are_scipys(name: str):
    values = _columns()[name]
    np.testing.assert_array_equal(rankdata(values), stats.rankdata(values))
