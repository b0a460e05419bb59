"""Property-based tests of the metrics: agreement with scikit-learn/SciPy on random inputs,
invariance to row order, perfect predictions, closed forms."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn import metrics as skm

from scorers import metrics
from scorers.spec import load_spec
from scorers.view import Dataset, View

LABELS = ["a", "b", "c", "d"]
PRF = ["macro", "micro", "weighted"]


def _label_view(t: list[int], p: list[int]) -> View:
    return View(Dataset("label", np.array(t, dtype=np.int64), np.array(p, dtype=np.int64), LABELS))


def _metric(view: View, name: str, **params) -> dict:
    raw = {"format": "jsonl", "metrics": [{"name": name, **params}]}
    if view.data.kind == "label":
        raw["labels"] = LABELS
    spec = load_spec(raw)
    m = spec.metrics[0]
    return metrics.get(m.name).fn(view, m.params, m.key)


label_pairs = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(label_pairs)
def test_label_metrics_agree_with_sklearn(pair):
    t, p = pair
    view = _label_view(t, p)
    tl = [LABELS[i] for i in t]
    pl = [LABELS[i] for i in p]
    assert _metric(view, "accuracy")["accuracy"] == pytest.approx(
        skm.accuracy_score(tl, pl), abs=1e-12
    )
    for avg in PRF:
        for name, fn in (
            ("f1", skm.f1_score),
            ("precision", skm.precision_score),
            ("recall", skm.recall_score),
        ):
            got = _metric(view, f"{avg}_{name}")[f"{avg}_{name}"]
            assert got == pytest.approx(fn(tl, pl, average=avg, zero_division=0), abs=1e-12), (
                avg,
                name,
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = skm.cohen_kappa_score(tl, pl)
    got = _metric(view, "cohen_kappa")["cohen_kappa"]
    assert (got is None and np.isnan(want)) or got == pytest.approx(want, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(label_pairs)
def test_fixed_label_set_and_per_class_values_agree_with_sklearn(pair):
    t, p = pair
    view = _label_view(t, p)
    tl = [LABELS[i] for i in t]
    pl = [LABELS[i] for i in p]
    got = _metric(view, "f1", average="macro", labels="spec", per_class=True)
    assert got["f1"] == pytest.approx(
        skm.f1_score(tl, pl, labels=LABELS, average="macro", zero_division=0), abs=1e-12
    )
    per_class = skm.f1_score(tl, pl, labels=LABELS, average=None, zero_division=0)
    for label, want in zip(LABELS, per_class, strict=True):
        assert got[f"f1[{label}]"] == pytest.approx(want, abs=1e-12)
    binary = _metric(view, "f1", average="binary", pos_label="a")["f1"]
    assert binary == pytest.approx(
        skm.f1_score(tl, pl, labels=LABELS, average=None, zero_division=0)[0], abs=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(label_pairs, st.randoms(use_true_random=False))
def test_label_metrics_do_not_depend_on_row_order(pair, rnd):
    t, p = pair
    order = list(range(len(t)))
    rnd.shuffle(order)
    a = _label_view(t, p)
    b = _label_view([t[i] for i in order], [p[i] for i in order])
    for name in ("accuracy", "macro_f1", "weighted_f1", "cohen_kappa"):
        assert _metric(a, name) == _metric(b, name)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=50))
def test_perfect_label_predictions_score_one(t):
    view = _label_view(t, t)
    for name in (
        "accuracy",
        "macro_f1",
        "micro_f1",
        "weighted_f1",
        "macro_precision",
        "macro_recall",
    ):
        assert _metric(view, name)[name] == 1.0


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
num_pairs = st.integers(2, 60).flatmap(
    lambda n: st.tuples(
        st.lists(finite, min_size=n, max_size=n), st.lists(finite, min_size=n, max_size=n)
    )
)


def _num_view(t, p) -> View:
    return View(Dataset("number", np.array(t, dtype=np.float64), np.array(p, dtype=np.float64)))


@settings(max_examples=60, deadline=None)
@given(num_pairs)
def test_numeric_metrics_agree_with_scipy(pair):
    t, p = pair
    view = _num_view(t, p)
    assert _metric(view, "mae")["mae"] == pytest.approx(
        skm.mean_absolute_error(t, p), rel=1e-12, abs=1e-9
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want_r = stats.pearsonr(t, p)[0] if np.ptp(t) > 0 and np.ptp(p) > 0 else np.nan
        want_rho = stats.spearmanr(t, p).statistic
    got_r = _metric(view, "pearson")["pearson"]
    got_rho = _metric(view, "spearman")["spearman"]
    if np.isnan(want_r):
        assert got_r is None
    else:
        assert got_r == pytest.approx(want_r, abs=1e-9)
    if np.isnan(want_rho):
        assert got_rho is None
    else:
        assert got_rho == pytest.approx(want_rho, abs=1e-9)


moderate = st.integers(-1000, 1000).map(float)
moderate_pairs = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(moderate, min_size=n, max_size=n), st.lists(moderate, min_size=n, max_size=n)
    )
)


@settings(max_examples=40, deadline=None)
@given(moderate_pairs, st.floats(0.1, 10), st.floats(-100, 100))
def test_correlations_are_invariant_to_increasing_maps(pair, scale, shift):
    t, p = pair
    base = _num_view(t, p)
    r0 = _metric(base, "pearson")["pearson"]
    r1 = _metric(_num_view(t, [scale * x + shift for x in p]), "pearson")["pearson"]
    assert (r0 is None) == (r1 is None)
    if r0 is not None:
        assert r0 == pytest.approx(r1, abs=1e-9)
    rho0 = _metric(base, "spearman")["spearman"]
    rho1 = _metric(_num_view(t, [x**3 for x in p]), "spearman")["spearman"]
    assert rho0 == rho1


@settings(max_examples=30, deadline=None)
@given(st.lists(finite, min_size=1, max_size=40), st.floats(-50, 50))
def test_mae_of_a_constant_offset_is_the_offset(t, offset):
    got = _metric(_num_view(t, [x + offset for x in t]), "mae")["mae"]
    assert got == pytest.approx(abs(offset), rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 20)), min_size=2, max_size=60))
def test_auroc_agrees_with_sklearn_including_ties(rows):
    y = [int(b) for b, _ in rows]
    s = [float(v) for _, v in rows]
    view = View(Dataset("score", np.array(y, dtype=np.int64), np.array(s), ["0", "1"]))
    got = _metric(view, "auroc", positive="1")["auroc"]
    if len(set(y)) < 2:
        assert got is None
    else:
        assert got == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)


def test_undefined_values_are_none_not_nan():
    one = _num_view([1.0], [2.0])
    assert _metric(one, "pearson")["pearson"] is None
    assert _metric(one, "spearman")["spearman"] is None
    constant = _num_view([1.0, 2.0, 3.0], [5.0, 5.0, 5.0])
    assert _metric(constant, "pearson")["pearson"] is None
    single_class = View(Dataset("score", np.array([1, 1]), np.array([0.2, 0.3]), ["0", "1"]))
    assert _metric(single_class, "auroc", positive="1")["auroc"] is None
