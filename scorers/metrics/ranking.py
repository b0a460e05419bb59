"""Metrics on real-valued detector scores against binary gold: AUROC and RAID's TPR at FPR.

``tpr_at_fpr`` reproduces the evaluation of the RAID benchmark as used by GenAI Detection
Task 3 (raid v0.0.7, 2024): for each domain a threshold is searched on the scores of the
human-written (negative), non-attacked texts so that their false positive rate is within
``epsilon`` of the target; the metric is the fraction of machine texts (all attacks) scored at
or above the threshold of their domain. The search is a step-halving walk that starts at the
mean human score, not an exact quantile: we follow it step by step, because a quantile gives
a different threshold, hence a different number than the leaderboard printed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scorers.metrics import register
from scorers.metrics.regression import rankdata
from scorers.view import View


def _check_binary(params: dict[str, Any]) -> None:
    if (params.get("positive") is None) == (params.get("negative") is None):
        raise ValueError('give exactly one of "positive" (the machine label) or "negative"')
    for name in ("positive", "negative"):
        if params.get(name) is not None:
            params[name] = str(params[name])


def _positive_mask(view: View, params: dict[str, Any]) -> np.ndarray:
    if params.get("positive") is not None:
        code = view.label_code(params["positive"])
        return view.y_true == code if code is not None else np.zeros(len(view), dtype=bool)
    code = view.label_code(params["negative"])
    return view.y_true != code if code is not None else np.ones(len(view), dtype=bool)


@register("auroc", "score", {"positive": None, "negative": None}, _check_binary)
def auroc(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    """Area under the ROC curve (ties count one half); None with a single class."""
    pos = _positive_mask(view, params)
    n_pos = int(pos.sum())
    n_neg = len(view) - n_pos
    if n_pos == 0 or n_neg == 0:
        return {key: None}
    ranks = rankdata(view.y_pred)
    auc = (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return {key: float(auc)}


def _fpr(sorted_neg: np.ndarray, threshold: float) -> float:
    # RAID computes the FPR as 1 - accuracy of all-human predictions; keep that arithmetic so
    # the reported FPRs agree bit for bit (1 - 190/200 is 0.050000000000000044, not 0.05).
    n = len(sorted_neg)
    flagged = n - int(np.searchsorted(sorted_neg, threshold, side="left"))
    return 1 - (n - flagged) / n


def _sign(x: float) -> int:
    return -1 if x < 0 else 1


def raid_threshold(
    neg_scores: np.ndarray, target_fpr: float, epsilon: float = 0.0005, max_iterations: int = 50
) -> tuple[float, float] | None:
    """RAID's threshold search on negative scores given in gold order; (threshold, fpr).

    None when it cannot give one: no negatives, or every threshold tried flags no negative.
    """
    if len(neg_scores) == 0:
        return None
    sorted_neg = np.sort(neg_scores)
    # A left-to-right sum, like Python's sum() over the list in RAID (numpy's sum is pairwise).
    threshold = float(np.cumsum(neg_scores)[-1]) / len(neg_scores)
    tried: list[tuple[float, float]] = []
    prev_dist: float | None = None
    step = 0.5
    iteration = 1
    while abs((fpr := _fpr(sorted_neg, threshold)) - target_fpr) > epsilon:
        tried.append((threshold, fpr))
        iteration += 1
        dist = target_fpr - fpr
        # RAID tests prev_dist for truth: a previous distance of exactly 0 counts as none.
        if prev_dist and _sign(dist) != _sign(prev_dist):
            step *= -0.5
        elif prev_dist and abs(dist) - abs(prev_dist) > 0.01:
            step *= -1
        threshold += step
        prev_dist = dist
        if iteration > max_iterations:
            # No convergence: prefer the closest threshold at or under the target FPR, else the
            # closest above it; thresholds that flag no negative at all are never chosen.
            diffs = [(target_fpr - f, t) for t, f in tried if f > 0.0]
            if not diffs:
                return None
            under = [(d, t) for d, t in diffs if d >= 0]
            threshold = min(under)[1] if under else max(diffs)[1]
            break
    return threshold, _fpr(sorted_neg, threshold)


def domain_thresholds(root: View, params: dict[str, Any]) -> dict[int, tuple[float, float] | None]:
    """Per-domain (threshold, fpr) on the partition's clean negatives, keyed by domain code."""
    cache_key = "raid_thresholds:" + repr(sorted((k, str(v)) for k, v in params.items()))
    if cache_key in root.cache:
        return root.cache[cache_key]
    neg = ~_positive_mask(root, params)
    if params.get("attack_field"):
        codes, values = root.column(params["attack_field"])
        clean = values.index(params["clean_attack"]) if params["clean_attack"] in values else -1
        neg &= codes == clean
    scores = root.y_pred
    if params.get("domain_field"):
        domains, names = root.column(params["domain_field"])
    else:
        domains, names = np.zeros(len(root), dtype=np.int64), ["all"]
    result: dict[int, tuple[float, float] | None] = {}
    for code in range(len(names)):
        result[code] = raid_threshold(
            scores[neg & (domains == code)], params["fpr"], params["epsilon"]
        )
    root.cache[cache_key] = result
    return result


def _check_tpr(params: dict[str, Any]) -> None:
    _check_binary(params)
    fpr = params["fpr"]
    if not isinstance(fpr, int | float) or not 0 < fpr < 1:
        raise ValueError("fpr must be a number between 0 and 1")
    if not isinstance(params["epsilon"], int | float) or params["epsilon"] <= 0:
        raise ValueError("epsilon must be a positive number")


@register(
    "tpr_at_fpr",
    "score",
    {
        "fpr": 0.05,
        "positive": None,
        "negative": None,
        "domain_field": None,
        "attack_field": None,
        "clean_attack": "none",
        "epsilon": 0.0005,
    },
    _check_tpr,
    column_params=("domain_field", "attack_field"),
)
def tpr_at_fpr(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    """True positive rate with per-domain thresholds calibrated on the whole partition."""
    pos = _positive_mask(view, params)
    if not pos.any():
        return {key: None}
    thresholds = domain_thresholds(view.root, params)
    if params.get("domain_field"):
        domains = view.column(params["domain_field"])[0][pos]
    else:
        domains = np.zeros(int(pos.sum()), dtype=np.int64)
    present = np.unique(domains)
    if any(thresholds.get(int(d)) is None for d in present):
        return {key: None}
    cut = np.array(
        [(t[0] if (t := thresholds.get(c)) else np.inf) for c in range(max(thresholds) + 1)]
    )
    hits = int(np.count_nonzero(view.y_pred[pos] >= cut[domains]))
    return {key: hits / int(pos.sum())}
