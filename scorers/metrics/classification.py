"""Label metrics computed from the confusion matrix of a view.

Conventions follow scikit-learn, because the official scorers of the tasks we host call it:
labels averaged over are those present in gold or predictions of the subset scored (its
``unique_labels``) unless the spec fixes them; a class with no predictions (or no gold) gets
precision (or recall) 0, i.e. ``zero_division=0``; F1 is 2tp / (2tp + fp + fn).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scorers.metrics import as_float, register
from scorers.view import View

AVERAGES = ("macro", "micro", "weighted", "binary")


def _check_prf(params: dict[str, Any]) -> None:
    if params["average"] not in AVERAGES:
        raise ValueError(f"average must be one of {', '.join(AVERAGES)}")
    if params["average"] == "binary" and params.get("pos_label") is None:
        raise ValueError("average 'binary' needs pos_label")
    labels = params.get("labels")
    if labels is not None and labels != "spec":
        if not isinstance(labels, list) or not labels:
            raise ValueError('labels must be "spec" or a non-empty list of labels')
        params["labels"] = [str(x) for x in labels]
    if not isinstance(params.get("per_class", False), bool):
        raise ValueError("per_class must be true or false")


def _selected(view: View, params: dict[str, Any], conf: np.ndarray) -> np.ndarray:
    """Indexes of the labels to average over."""
    labels = params.get("labels")
    if labels is None:
        return np.flatnonzero(conf.sum(axis=0) + conf.sum(axis=1))
    if labels == "spec":
        labels = params["_spec_labels"]
    return np.array([view.data.labels.index(lab) for lab in labels], dtype=np.int64)


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(len(num), dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


def prf(view: View, params: dict[str, Any], key: str, which: str) -> dict[str, float | None]:
    """Precision, recall or F1 ("p", "r", "f") with the spec's averaging."""
    if len(view) == 0:
        return {key: None}
    conf = view.confusion
    tp = np.diag(conf).astype(np.float64)
    pred = conf.sum(axis=0).astype(np.float64)
    true = conf.sum(axis=1).astype(np.float64)
    parts = {"p": (tp, pred), "r": (tp, true), "f": (2 * tp, pred + true)}
    average = params["average"]
    out: dict[str, float | None] = {}
    if average == "binary":
        code = view.label_code(str(params["pos_label"]))
        if code is None:
            out[key] = 0.0
        else:
            num, den = parts[which]
            out[key] = float(num[code] / den[code]) if den[code] > 0 else 0.0
    else:
        sel = _selected(view, params, conf)
        num, den = (a[sel] for a in parts[which])
        if average == "micro":
            out[key] = float(num.sum() / den.sum()) if den.sum() > 0 else 0.0
        elif len(sel) == 0:
            out[key] = 0.0
        elif average == "macro":
            out[key] = float(_div(num, den).mean())
        else:
            weights = true[sel]
            total = weights.sum()
            out[key] = float((_div(num, den) * weights).sum() / total) if total > 0 else 0.0
    if params.get("per_class"):
        base = {"p": "precision", "r": "recall", "f": "f1"}[which]
        num, den = parts[which]
        values = _div(num, den)
        for code, label in enumerate(view.data.labels):
            out[f"{base}[{label}]"] = float(values[code])
    return out


_PRF_DEFAULTS = {"average": "macro", "labels": None, "per_class": False, "pos_label": None}


def _register_prf(which: str, base: str) -> None:
    register(base, "label", _PRF_DEFAULTS, _check_prf)(
        lambda view, params, key: prf(view, params, key, which)
    )
    for average in ("macro", "micro", "weighted"):
        register(f"{average}_{base}", "label", {**_PRF_DEFAULTS, "average": average}, _check_prf)(
            lambda view, params, key: prf(view, params, key, which)
        )


_register_prf("p", "precision")
_register_prf("r", "recall")
_register_prf("f", "f1")


@register("accuracy", "label")
def accuracy(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    if len(view) == 0:
        return {key: None}
    conf = view.confusion
    return {key: float(np.trace(conf) / conf.sum())}


@register("cohen_kappa", "label")
def cohen_kappa(view: View, params: dict[str, Any], key: str) -> dict[str, float | None]:
    """Cohen's kappa as scikit-learn computes it (unweighted); None when chance agreement is 1."""
    if len(view) == 0:
        return {key: None}
    conf = view.confusion.astype(np.float64)
    n = conf.sum()
    expected = np.outer(conf.sum(axis=1), conf.sum(axis=0)) / n
    observed_disagreement = conf.sum() - np.trace(conf)
    expected_disagreement = expected.sum() - np.trace(expected)
    if expected_disagreement == 0:
        return {key: None}
    return {key: as_float(1 - observed_disagreement / expected_disagreement)}
