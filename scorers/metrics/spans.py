"""FinCausal 2020 task 2: cause/effect span extraction scored on tokens.

As in the official scorer, every token of the text is labelled "-", "C" (cause) or "E" (effect)
from the gold spans and from the predicted spans (scorers.metrics.fincausal, with nltk's
tokenisation); precision, recall and F1 are the support-weighted averages over the three
classes (zero_division=0) of all tokens pooled, after re-pairing the relations of texts that
have several, and exact match is the share of rows whose token labels all agree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scorers.metrics import register
from scorers.view import View


def _weighted(view: View, which: str) -> float | None:
    if len(view) == 0:
        return None
    conf = view.extra("span_conf").sum(axis=0)
    tp = np.diag(conf).astype(np.float64)
    pred = conf.sum(axis=0)
    true = conf.sum(axis=1)
    num, den = {"p": (tp, pred), "r": (tp, true), "f": (2 * tp, pred + true)}[which]
    values = np.zeros(3)
    np.divide(num, den, out=values, where=den > 0)
    total = true.sum()
    return float((values * true).sum() / total) if total > 0 else 0.0


@register("span_f1", "span")
def span_f1(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    return {key: _weighted(view, "f")}


@register("span_precision", "span")
def span_precision(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    return {key: _weighted(view, "p")}


@register("span_recall", "span")
def span_recall(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    return {key: _weighted(view, "r")}


@register("span_exact_match", "span")
def span_exact_match(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    if len(view) == 0:
        return {key: None}
    return {key: float(view.extra("span_exact").mean())}
