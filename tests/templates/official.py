"""Valid submissions in each task's official format, and the scores its official scorer gives.

Each reference reads the submission file back the way the task's official evaluation does
(pandas joins, scikit-learn, SciPy, line-by-line reading for positional files), independently
of the scorers package. Predictions are the gold with deterministic mistakes, so that the
scores are neither 0 nor 1.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics as skm

from tests.scorers.test_raid_tpr_at_fpr import _ref_find_threshold, _ref_tpr


@dataclass
class Case:
    subtask: str
    filename: str
    content: bytes
    expected: dict[str, float]  # metric -> official value on the dev gold


def wrong_labels(gold: list[dict], field: str, labels: list) -> list:
    """Every third row gets the next label of the set; the rest are right."""
    out = []
    for k, row in enumerate(gold):
        value = row[field]
        out.append(labels[(labels.index(value) + 1) % len(labels)] if k % 3 == 0 else value)
    return out


def noisy(values: list[float], low: float, high: float) -> list[float]:
    return [round(min(high, max(low, v + ((k * 37) % 11 - 5) / 10 * (high - low) / 5)), 4)
            for k, v in enumerate(values)]  # fmt: skip


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def _table(header: list[str], rows: list[list], sep: str) -> bytes:
    lines = [sep.join(header), *(sep.join(str(v) for v in r) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


def _merge(gold: list[dict], pred: pd.DataFrame, key: str) -> pd.DataFrame:
    return pred.merge(pd.DataFrame(gold), on=key, suffixes=("_pred", "_gold"))


def _clf(t, y) -> dict[str, float]:
    return {
        "accuracy": skm.accuracy_score(t, y),
        "macro_f1": skm.f1_score(t, y, average="macro", zero_division=0),
        "micro_f1": skm.f1_score(t, y, average="micro", zero_division=0),
    }


# ---- SemEval-2024 Task 8 and GenAI Task 1: JSONL {"id", "label"}; pandas join, sklearn ------


def semeval8(imported) -> list[Case]:
    cases = []
    for slug, labels in (("a-mono", [0, 1]), ("a-multi", [0, 1]), ("b", list(range(6)))):
        gold = imported.gold(slug)
        preds = wrong_labels(gold, "label", labels)
        content = _jsonl([{"id": g["id"], "label": p} for g, p in zip(gold, preds, strict=True)])
        df = _merge(gold, pd.read_json(io.BytesIO(content), lines=True), "id")
        cases.append(
            Case(slug, f"subtask_{slug}.jsonl", content, _clf(df.label_gold, df.label_pred))
        )
    gold = imported.gold("c")
    preds = [max(0, g["label"] + (k % 5) - 2) for k, g in enumerate(gold)]
    content = _jsonl([{"id": g["id"], "label": p} for g, p in zip(gold, preds, strict=True)])
    df = _merge(gold, pd.read_json(io.BytesIO(content), lines=True), "id")
    mae = skm.mean_absolute_error(df.label_gold, df.label_pred)
    return [*cases, Case("c", "subtask_c.jsonl", content, {"mae": mae})]


def genai_task1(imported) -> list[Case]:
    cases = []
    for slug in ("monolingual", "multilingual"):
        gold = imported.gold(slug)
        preds = wrong_labels(gold, "label", [0, 1])
        content = _jsonl([{"id": g["id"], "label": p} for g, p in zip(gold, preds, strict=True)])
        df = _merge(gold, pd.read_json(io.BytesIO(content), lines=True), "id")
        cases.append(Case(slug, "predictions.jsonl", content, _clf(df.label_gold, df.label_pred)))
    return cases


# ---- RAID: a JSON list of {"id", "score"}; raid v0.0.7's per-domain thresholds ----------------


def raid_scores(gold: list[dict]) -> list[float]:
    return [
        round((0.65 if g["model"] != "human" else 0.35) + ((k * 7919) % 100 - 50) / 120, 4)
        for k, g in enumerate(gold)
    ]


def raid_reference(gold: pd.DataFrame, predictions: list[dict]) -> dict[str, float]:
    df = gold.join(pd.DataFrame(predictions).set_index("id"), on="id")
    thresholds = {
        d: _ref_find_threshold(df[df.domain == d], 0.05, 0.0005)[0] for d in df.domain.unique()
    }
    auroc = skm.roc_auc_score(df.model != "human", df.score)
    return {"tpr_at_fpr": _ref_tpr(df, thresholds), "auroc": auroc}


def raid(imported) -> list[Case]:
    gold = imported.gold("detection")
    records = [{"id": g["id"], "score": s} for g, s in zip(gold, raid_scores(gold), strict=True)]
    content = json.dumps(records).encode()
    expected = raid_reference(pd.DataFrame(gold), json.loads(content))
    return [Case("detection", "predictions.json", content, expected)]


# ---- TSV and CSV label files: AuTexTification, RuATD, AINL-Eval, FIGNEWS ------------------------


def _delimited(imported, slug, id_field, answer, labels, sep, filename) -> Case:
    gold = imported.gold(slug)
    preds = wrong_labels(gold, answer, labels)
    rows = [[g[id_field], p] for g, p in zip(gold, preds, strict=True)]
    content = _table([id_field, answer], rows, sep)
    pred = pd.read_csv(io.BytesIO(content), sep=sep, dtype=str)
    df = _merge([{k: str(v) for k, v in g.items()} for g in gold], pred, id_field)
    t, y = df[f"{answer}_gold"], df[f"{answer}_pred"]
    return Case(
        slug,
        filename,
        content,
        {"accuracy": skm.accuracy_score(t, y), "macro_f1": skm.f1_score(t, y, average="macro")},
    )


def autextification(imported) -> list[Case]:
    return [
        _delimited(imported, f"subtask{n}-{lang}", "id", "label", labels, "\t", "run1.tsv")
        for n, labels in ((1, ["human", "generated"]), (2, list("ABCDEF")))
        for lang in ("en", "es")
    ]


def ruatd(imported) -> list[Case]:
    multiclass = imported.task.subtasks.get(slug="multiclass").labels
    return [
        _delimited(imported, "binary", "Id", "Class", ["H", "M"], ",", "submission.csv"),
        _delimited(imported, "multiclass", "Id", "Class", multiclass, ",", "submission.csv"),
    ]


def ainl(imported) -> list[Case]:
    labels = imported.task.subtasks.get(slug="detection").labels
    return [_delimited(imported, "detection", "id", "label", labels, ",", "submission.csv")]


def fignews(imported) -> list[Case]:
    """Each team annotates part of the posts: here 60% of them, a third of those wrongly."""
    cases = []
    for slug, answer in (("bias", "Bias"), ("propaganda", "Propaganda")):
        labels = imported.task.subtasks.get(slug=slug).labels
        gold = imported.gold(slug)
        covered = [g for k, g in enumerate(gold) if k % 5 < 3]
        preds = wrong_labels(covered, answer, labels)
        rows = [[g["ID"], f'"{p}"'] for g, p in zip(covered, preds, strict=True)]
        content = _table(["ID", answer], rows, ",")
        pred = pd.read_csv(io.BytesIO(content))
        df = _merge(gold, pred, "ID")
        t, y = df[f"{answer}_gold"], df[f"{answer}_pred"]
        expected = {
            "cohen_kappa": skm.cohen_kappa_score(t, y),
            "accuracy": skm.accuracy_score(t, y),
            "items_covered": float(len(df)),
        }
        cases.append(Case(slug, f"{slug}.csv", content, expected))
    return cases


# ---- NADI 2021: one label per line; the official scorer's sklearn macro scores -------------------


def nadi(imported) -> list[Case]:
    cases = []
    for slug in ("1-1", "1-2", "2-1", "2-2"):
        gold = imported.gold(slug)
        labels = imported.task.subtasks.get(slug=slug).labels
        content = "".join(f"{p}\n" for p in wrong_labels(gold, "label", labels)).encode()
        y = content.decode().splitlines()
        t = [g["label"] for g in gold]
        expected = {
            "macro_f1": skm.f1_score(t, y, average="macro"),
            "accuracy": skm.accuracy_score(t, y),
            "macro_precision": skm.precision_score(t, y, average="macro", zero_division=0),
            "macro_recall": skm.recall_score(t, y, average="macro", zero_division=0),
        }
        cases.append(Case(slug, f"subtask{slug.replace('-', '')}.txt", content, expected))
    return cases


# ---- STS 2017: one score per line, Pearson; STR 2024: PairID,Pred_Score, Spearman --------------


def sts(imported) -> list[Case]:
    cases = []
    for slug in ("track5-en-en", "track4a-es-en", "track1-ar-ar"):
        gold = imported.gold(slug)
        preds = noisy([g["score"] for g in gold], 0.0, 5.0)
        content = "".join(f"{p}\n" for p in preds).encode()
        y = np.loadtxt(io.BytesIO(content))
        t = np.array([g["score"] for g in gold])
        expected = {"pearson": stats.pearsonr(t, y)[0], "spearman": stats.spearmanr(t, y)[0]}
        cases.append(Case(slug, f"STS.{slug}.txt", content, expected))
    return cases


def str2024(imported) -> list[Case]:
    cases = []
    for slug in ("a-supervised", "b-unsupervised", "c-crosslingual"):
        gold = imported.gold(slug)
        preds = noisy([g["Score"] for g in gold], 0.0, 1.0)
        rows = [[g["PairID"], p] for g, p in zip(gold, preds, strict=True)]
        content = _table(["PairID", "Pred_Score"], rows, ",")
        df = _merge(gold, pd.read_csv(io.BytesIO(content)), "PairID")
        expected = {
            "spearman": stats.spearmanr(df.Score, df.Pred_Score)[0],
            "pearson": stats.pearsonr(df.Score, df.Pred_Score)[0],
        }
        cases.append(Case(slug, "pred.csv", content, expected))
    return cases


# ---- FinCausal 2020: `;`-separated files; task 1 weighted P/R/F1, task 2 the official spans ----


def fincausal(imported, span_reference: Callable[[list, list], dict[str, Any]]) -> list[Case]:
    gold = imported.gold("task1")
    texts = {r["Index"]: r["Text"] for r in map(json.loads, _lines(imported, "task1"))}
    preds = wrong_labels(gold, "Gold", [0, 1])
    rows = [[g["Index"], texts[g["Index"]], p] for g, p in zip(gold, preds, strict=True)]
    content = _table(["Index", "Text", "Gold"], rows, "; ")
    pred = pd.read_csv(io.BytesIO(content), sep="; ", engine="python", dtype=str)
    t = [str(g["Gold"]) for g in gold]
    p, r, f, _ = skm.precision_recall_fscore_support(t, list(pred.Gold), average="weighted")
    task1 = Case(
        "task1",
        "task1.csv",
        content,
        {"weighted_precision": p, "weighted_recall": r, "weighted_f1": f},
    )
    gold = imported.gold("task2")
    pred_rows = []
    for k, g in enumerate(gold):
        cause, effect = g["Cause"], g["Effect"]
        if k % 3 == 0:
            cause = " ".join(cause.split()[1:])  # one word short
        elif k % 3 == 1:
            effect = f"{effect} {cause.split()[0]}"  # one word too many
        pred_rows.append([g["Index"], g["Text"], cause, effect])
    content = _table(["Index", "Text", "Cause", "Effect"], pred_rows, "; ")
    gold_rows = [[g["Index"], g["Text"], g["Cause"], g["Effect"]] for g in gold]
    task2 = Case("task2", "task2.csv", content, span_reference(gold_rows, pred_rows))
    return [task1, task2]


def _lines(imported, slug: str) -> list[str]:
    return imported.data(slug, "dev.jsonl").read_text(encoding="utf-8").splitlines()


CASES = {
    "semeval2024-task8": semeval8,
    "genai-detection-task1": genai_task1,
    "raid-task3": raid,
    "autextification2023": autextification,
    "ruatd2022": ruatd,
    "ainl-eval2025": ainl,
    "nadi2021": nadi,
    "sts2017": sts,
    "str2024": str2024,
    "fignews2024": fignews,
}
