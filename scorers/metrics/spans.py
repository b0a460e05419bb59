"""FinCausal 2020 task 2: cause/effect span extraction scored on tokens.

As in the official scorer, every token of the sentence is labelled "-", "C" (cause) or "E"
(effect) from the gold spans and from the predicted spans; precision, recall and F1 are the
support-weighted averages over the three classes (zero_division=0) of all tokens pooled, and
exact match is the share of rows whose token labels all agree.

Differences from the official script, on purpose: tokens come from a regular expression
instead of nltk.word_tokenize (nltk is not available in the scoring sandbox), and a span is
located by exact substring search (a span not found in the text labels no token). Rows whose
index marks several relations of one sentence are scored as given, without the official
best-match re-pairing.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from scorers.metrics import register
from scorers.view import View

TOKEN = re.compile(r"\w+(?:[.,'\u2019-]\w+)*|[^\w\s]")
CLASSES = ("-", "C", "E")


def token_labels(text: str, cause: str, effect: str) -> np.ndarray:
    """Class codes (0 "-", 1 "C", 2 "E") of the tokens of ``text``; the effect wins overlaps."""
    spans = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    labels = np.zeros(len(spans), dtype=np.int64)
    for code, part in ((1, cause.strip()), (2, effect.strip())):
        if not part:
            continue
        start = text.find(part)
        if start < 0:
            continue
        end = start + len(part)
        for i, (a, b) in enumerate(spans):
            if a < end and b > start:
                labels[i] = code
    return labels


def encode_rows(
    texts: list[str], gold: list[tuple[str, str]], pred: list[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row 3x3 token confusion matrices and exact-match flags."""
    conf = np.zeros((len(texts), 3, 3), dtype=np.int64)
    exact = np.zeros(len(texts), dtype=bool)
    for row, (text, g, p) in enumerate(zip(texts, gold, pred, strict=True)):
        t = token_labels(text, *g)
        q = token_labels(text, *p)
        conf[row] = np.bincount(t * 3 + q, minlength=9).reshape(3, 3)
        exact[row] = bool(np.array_equal(t, q))
    return conf, exact


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
