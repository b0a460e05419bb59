"""Each task of DESIGN.md's table: our score equals the official computation to 1e-9.

Every reference below is written the way the task's official scorer computes it (pandas joins,
scikit-learn, SciPy), independently of the scorers package.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn import metrics as skm

from tests.scorers.conftest import overall, run_cli, score, write_csv, write_jsonl

TOL = 1e-9


def _noisy(rng: np.random.Generator, truth: np.ndarray, n_labels: int, err: float) -> np.ndarray:
    wrong = rng.random(len(truth)) < err
    return np.where(wrong, rng.integers(0, n_labels, len(truth)), truth)


def _semeval8_files(tmp_path: Path, n_labels: int, seed: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    n = 600
    truth = rng.integers(0, n_labels, n)
    pred = _noisy(rng, truth, n_labels, 0.35)
    ids = rng.permutation(10_000)[:n]
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [{"id": int(i), "label": int(t)} for i, t in zip(ids, truth, strict=True)],
    )
    order = rng.permutation(n)
    rows = [{"id": int(ids[k]), "label": int(pred[k])} for k in order]
    return gold, write_jsonl(tmp_path / "pred.jsonl", rows)


def _official_semeval8_ab(gold: Path, pred: Path) -> dict[str, float]:
    # SemEval-2024 Task 8 scorer: read both JSONL, inner join on id, sklearn metrics.
    g = pd.read_json(gold, lines=True)
    p = pd.read_json(pred, lines=True)
    merged = p.merge(g, on="id", suffixes=("_pred", "_gold"))
    t, y = merged["label_gold"], merged["label_pred"]
    return {
        "macro_f1": skm.f1_score(t, y, average="macro", zero_division=0),
        "micro_f1": skm.f1_score(t, y, average="micro", zero_division=0),
        "accuracy": skm.accuracy_score(t, y),
    }


@pytest.mark.parametrize(("subtask", "n_labels"), [("A", 2), ("B", 6)])
def test_semeval2024_task8_ab_matches_official(tmp_path: Path, subtask: str, n_labels: int):
    gold, pred = _semeval8_files(tmp_path, n_labels, seed=n_labels)
    spec = {
        "format": "jsonl",
        "labels": list(range(n_labels)),
        "metrics": ["accuracy", "macro_f1", "micro_f1"],
    }
    got = overall(score(spec, gold, pred))
    for key, want in _official_semeval8_ab(gold, pred).items():
        assert got[key] == pytest.approx(want, abs=TOL), key


def test_semeval2024_task8_c_is_mae_of_word_indices(tmp_path: Path):
    rng = np.random.default_rng(8)
    n = 500
    truth = rng.integers(0, 200, n)
    pred = np.clip(truth + rng.integers(-30, 30, n), 0, None)
    gold = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": f"c{i}", "label": int(t)} for i, t in enumerate(truth)]
    )
    pred_path = write_jsonl(
        tmp_path / "pred.jsonl",
        [{"id": f"c{i}", "label": int(p)} for i, p in enumerate(pred)][::-1],
    )
    spec = {"format": "jsonl", "value_type": "integer", "metrics": ["mae"]}
    g = pd.read_json(gold, lines=True)
    p = pd.read_json(pred_path, lines=True)
    merged = p.merge(g, on="id", suffixes=("_pred", "_gold"))
    want = skm.mean_absolute_error(merged["label_gold"], merged["label_pred"])
    assert overall(score(spec, gold, pred_path))["mae"] == pytest.approx(want, abs=TOL)


def test_genai_task1_macro_f1_per_language(tmp_path: Path):
    rng = np.random.default_rng(1)
    langs = ["en", "zh", "ar", "ru", "id"]
    rows, preds = [], []
    for i in range(800):
        lang = langs[rng.integers(0, len(langs))]
        truth = int(rng.integers(0, 2))
        # Skewed errors per language so that the groups differ.
        err = 0.1 + 0.1 * langs.index(lang)
        pred = truth if rng.random() > err else 1 - truth
        rows.append({"id": f"t{i}", "label": truth, "language": lang})
        preds.append({"id": f"t{i}", "label": pred})
    gold = write_jsonl(tmp_path / "gold.jsonl", rows)
    pred_path = write_jsonl(tmp_path / "pred.jsonl", preds)
    spec = {
        "format": "jsonl",
        "labels": [0, 1],
        "metrics": ["macro_f1"],
        "group_fields": ["language"],
    }
    result = score(spec, gold, pred_path)
    df = pd.DataFrame(rows).merge(pd.DataFrame(preds), on="id", suffixes=("_gold", "_pred"))
    assert overall(result)["macro_f1"] == pytest.approx(
        skm.f1_score(df.label_gold, df.label_pred, average="macro", zero_division=0), abs=TOL
    )
    for lang, d in df.groupby("language"):
        want = skm.f1_score(d.label_gold, d.label_pred, average="macro", zero_division=0)
        assert result["scores"]["all"]["groups"]["language"][lang]["macro_f1"] == pytest.approx(
            want, abs=TOL
        )


def test_autextification_style_csv_with_domain_groups(tmp_path: Path):
    """AuTexTification / RuATD / AINL-Eval: macro-F1 and accuracy, per domain, `;` CSV."""
    rng = np.random.default_rng(3)
    classes = list("ABCDEF")
    n = 700
    truth = rng.integers(0, 6, n)
    pred = _noisy(rng, truth, 6, 0.4)
    domains = rng.choice(["news", "wiki", "tweets", "reviews"], n)
    gold = write_csv(
        tmp_path / "gold.csv",
        ["id", "label", "domain"],
        [[i, classes[t], d] for i, (t, d) in enumerate(zip(truth, domains, strict=True))],
        sep=";",
    )
    pred_path = write_csv(
        tmp_path / "pred.csv",
        ["id", "label"],
        [[i, classes[p]] for i, p in enumerate(pred)],
        sep=";",
    )
    spec = {
        "format": "csv",
        "separator": ";",
        "labels": classes,
        "metrics": ["macro_f1", "accuracy"],
        "group_fields": ["domain"],
        "gold_format": "csv",
    }
    result = score(spec, gold, pred_path)
    g = pd.read_csv(gold, sep=";")
    p = pd.read_csv(pred_path, sep=";")
    df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
    assert overall(result)["macro_f1"] == pytest.approx(
        skm.f1_score(df.label_gold, df.label_pred, average="macro"), abs=TOL
    )
    for dom, d in df.groupby("domain"):
        got = result["scores"]["all"]["groups"]["domain"][dom]
        assert got["macro_f1"] == pytest.approx(
            skm.f1_score(d.label_gold, d.label_pred, average="macro", zero_division=0), abs=TOL
        )
        assert got["accuracy"] == pytest.approx(
            skm.accuracy_score(d.label_gold, d.label_pred), abs=TOL
        )


def test_nadi_positional_macro_f1_over_union_of_labels(tmp_path: Path):
    rng = np.random.default_rng(21)
    countries = ["Egypt", "Iraq", "Morocco", "Saudi_Arabia", "Algeria", "Oman", "Libya"]
    n = 400
    truth = rng.choice(countries[:6], n)  # "Libya" only ever predicted, never gold
    pred = np.where(rng.random(n) < 0.6, truth, rng.choice(countries, n))
    gold = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": f"DEV_{i}", "label": t} for i, t in enumerate(truth)]
    )
    pred_path = tmp_path / "pred.txt"
    pred_path.write_text("\r\n".join(pred) + "\r\n", encoding="utf-8")
    spec = {
        "format": "txt",
        "metrics": ["macro_f1", "accuracy", "macro_precision", "macro_recall"],
    }
    got = overall(score(spec, gold, pred_path))
    # NADI's scorer: sklearn with its default labels, i.e. those in gold or predictions.
    assert got["macro_f1"] == pytest.approx(
        skm.f1_score(truth, pred, average="macro", zero_division=0), abs=TOL
    )
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(truth, pred), abs=TOL)
    assert got["macro_precision"] == pytest.approx(
        skm.precision_score(truth, pred, average="macro", zero_division=0), abs=TOL
    )
    assert got["macro_recall"] == pytest.approx(
        skm.recall_score(truth, pred, average="macro", zero_division=0), abs=TOL
    )


def test_sts_positional_pearson(tmp_path: Path):
    rng = np.random.default_rng(17)
    gold_scores = np.round(rng.uniform(0, 5, 250), 1)
    pred = gold_scores + rng.normal(0, 1, 250)
    gold = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": i, "score": float(s)} for i, s in enumerate(gold_scores)]
    )
    pred_path = tmp_path / "sys.txt"
    pred_path.write_text("".join(f"{p:.6f}\n" for p in pred))
    spec = {"format": "txt", "value_field": "score", "value_type": "number", "metrics": ["pearson"]}
    want = stats.pearsonr(gold_scores, np.array([float(f"{p:.6f}") for p in pred]))[0]
    assert overall(score(spec, gold, pred_path))["pearson"] == pytest.approx(want, abs=TOL)


def test_str_spearman_with_ties_uses_average_ranks(tmp_path: Path):
    rng = np.random.default_rng(24)
    n = 300
    truth = np.round(rng.uniform(0, 1, n), 2)
    pred = np.round(truth + rng.normal(0, 0.2, n), 1)  # rounding makes many ties
    gold = write_csv(
        tmp_path / "gold.csv",
        ["PairID", "Score", "language"],
        [[f"eng-{i}", t, "eng"] for i, t in enumerate(truth)],
    )
    pred_path = write_csv(
        tmp_path / "pred.csv",
        ["PairID", "Pred_Score"],
        [[f"eng-{i}", p] for i, p in enumerate(pred)],
    )
    spec = {
        "format": "csv",
        "id_field": "PairID",
        "value_field": "Pred_Score",
        "gold_value_field": "Score",
        "value_type": "number",
        "metrics": ["spearman"],
        "group_fields": ["language"],
    }
    want = stats.spearmanr(truth, pred).statistic
    result = score(spec, gold, pred_path)
    assert overall(result)["spearman"] == pytest.approx(want, abs=TOL)
    assert result["scores"]["all"]["groups"]["language"]["eng"]["spearman"] == pytest.approx(
        want, abs=TOL
    )


def test_fincausal_task1_support_weighted_f1(tmp_path: Path):
    rng = np.random.default_rng(20)
    n = 300
    truth = (rng.random(n) < 0.1).astype(int)  # causal sentences are rare
    pred = _noisy(rng, truth, 2, 0.15)
    gold = write_csv(
        tmp_path / "gold.csv",
        ["Index", "Text", "Gold"],
        [[f"0001.{i:05d}", f"sentence {i}", t] for i, t in enumerate(truth)],
        sep="; ",
    )
    pred_path = write_csv(
        tmp_path / "pred.csv",
        ["Index", "Text", "Gold"],
        [[f"0001.{i:05d}", f"sentence {i}", p] for i, p in enumerate(pred)],
        sep="; ",
    )
    spec = {
        "format": "csv",
        "separator": ";",
        "id_field": "Index",
        "value_field": "Gold",
        "labels": [0, 1],
        "metrics": ["weighted_f1", "weighted_precision", "weighted_recall"],
        "primary": "weighted_f1",
    }
    got = overall(score(spec, gold, pred_path))
    p, r, f, _ = skm.precision_recall_fscore_support(
        truth, pred, average="weighted", zero_division=0
    )
    assert (got["weighted_precision"], got["weighted_recall"], got["weighted_f1"]) == pytest.approx(
        (p, r, f), abs=TOL
    )


# FinCausal 2020 task 2 (spans): tests/scorers/test_fincausal_task2.py.


def test_autextification_real_format_files_score_through_the_cli(shared_data: Path, tmp_path: Path):
    root = shared_data / "autextification-format" / "task_submissions"
    cases = {"subtask_1": ["human", "generated"], "subtask_2": list("ABCDEF")}
    for subtask, labels in cases.items():
        for lang in ("en", "es"):
            truth = root / "ground_truth" / subtask / lang / "truth.tsv"
            run = root / "submissions" / "my_team" / subtask / lang / "run1.tsv"
            spec = {
                "format": "tsv",
                "labels": labels,
                "metrics": ["macro_f1", "accuracy"],
                "gold_format": "tsv",
            }
            spec_path = tmp_path / "spec.json"
            spec_path.write_text(json.dumps(spec))
            code, out = run_cli(
                "score", "--spec", str(spec_path), "--gold", str(truth), "--pred", str(run)
            )
            assert code == 0, out
            g = pd.read_csv(truth, sep="\t")
            p = pd.read_csv(run, sep="\t")
            df = g.merge(p, on="id", suffixes=("_gold", "_pred"))
            want = skm.f1_score(df.label_gold, df.label_pred, average="macro")
            assert out["scores"]["all"]["overall"]["macro_f1"] == pytest.approx(want, abs=TOL)
