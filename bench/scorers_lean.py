"""The lean reference of bench_scorers.py: what a careful engineer would write with pandas and
numpy for just the metrics asked (no scikit-learn call per metric and group).

pandas reads the files (read_json(lines=True), read_csv for positional TXT) and merges on id;
each (partition, group) cell then costs one np.bincount confusion matrix, from which every label
metric is derived; numeric metrics are np.corrcoef on values and on ranks, and a mean.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def _label_scores(conf: np.ndarray, labels: list) -> dict:
    n = conf.sum()
    tp = np.diag(conf).astype(float)
    gold, pred = conf.sum(axis=1).astype(float), conf.sum(axis=0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(pred > 0, tp / pred, 0.0)
        r = np.where(gold > 0, tp / gold, 0.0)
        f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    present = (gold + pred) > 0  # sklearn's macro averages over labels seen in either
    expected = (gold * pred).sum() / n**2
    observed = tp.sum() / n
    return {
        "accuracy": observed,
        "macro_f1": f[present].mean(),
        "weighted_f1": (f * gold).sum() / gold.sum(),
        "micro_f1": observed,
        "macro_precision": p[present].mean(),
        "macro_recall": r[present].mean(),
        "cohen_kappa": (observed - expected) / (1 - expected),
        "f1_classes": [f[i] for i in range(len(labels)) if present[i]],
    }


def label_reference(gold: Path, pred: Path) -> tuple[float, dict]:
    import pandas as pd

    start = time.perf_counter()
    g = pd.read_json(gold, lines=True, dtype={"id": str, "label": str})
    p = pd.read_json(pred, lines=True, dtype={"id": str, "label": str})
    df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
    labels = sorted(set(df["label_gold"].unique()) | set(df["label_pred"].unique()))
    k = len(labels)
    cells = pd.Categorical(df["label_gold"], categories=labels).codes.astype(np.int64) * k
    cells += pd.Categorical(df["label_pred"], categories=labels).codes
    part_codes, parts = pd.factorize(df["partition"]) if "partition" in df else (None, None)
    lang_codes, langs = pd.factorize(df["lang"]) if "lang" in df else (None, None)
    out: dict = {}
    for pi, part in enumerate(parts if parts is not None else ["all"]):
        in_part = part_codes == pi if part_codes is not None else slice(None)
        conf = np.bincount(cells[in_part], minlength=k * k).reshape(k, k)
        entry: dict = {"overall": _label_scores(conf, labels)}
        if lang_codes is not None:
            per_lang = np.bincount(
                lang_codes[in_part] * k * k + cells[in_part], minlength=len(langs) * k * k
            ).reshape(len(langs), k, k)
            entry["groups"] = {
                "lang": {lang: _label_scores(per_lang[li], labels) for li, lang in enumerate(langs)}
            }
        out[str(part)] = entry
    return time.perf_counter() - start, out


def _numeric_scores(t: np.ndarray, y: np.ndarray) -> dict:
    import pandas as pd

    ranks_t = pd.Series(t).rank().to_numpy()
    ranks_y = pd.Series(y).rank().to_numpy()
    return {
        "pearson": np.corrcoef(t, y)[0, 1],
        "spearman": np.corrcoef(ranks_t, ranks_y)[0, 1],
        "mae": np.abs(t - y).mean(),
    }


def numeric_reference(gold: Path, pred: Path) -> tuple[float, dict]:
    import pandas as pd

    start = time.perf_counter()
    g = pd.read_json(gold, lines=True, dtype={"id": str})
    if pred.suffix == ".txt":
        y = pd.read_csv(pred, header=None, names=["score"], dtype=np.float64)["score"]
        out = {"all": {"overall": _numeric_scores(g["score"].to_numpy(), y.to_numpy())}}
        return time.perf_counter() - start, out
    p = pd.read_json(pred, lines=True, dtype={"id": str})
    df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
    out = {}
    for part, d in df.groupby("partition"):
        scores = _numeric_scores(d["score_gold"].to_numpy(), d["score_pred"].to_numpy())
        out[part] = {"overall": scores}
    return time.perf_counter() - start, out
