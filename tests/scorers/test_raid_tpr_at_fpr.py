"""RAID (GenAI Detection Task 3): TPR at 5% FPR with per-domain thresholds, as raid v0.0.7.

The reference is a transcription, in the official code's own style (pandas filters, a Python
list of human scores, sklearn's accuracy_score), of raid/evaluate.py as used in 2024.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score

from scorers.metrics.ranking import raid_threshold
from tests.scorers.conftest import run_cli, score, write_jsonl

DOMAINS = ["abstracts", "books", "news", "poetry", "recipes", "reddit", "reviews", "wiki"]
MODELS = ["human", "gpt4", "llama-chat", "mistral"]


def _ref_fpr(y_scores: list[float], threshold: float) -> float:
    y_pred = [1 if y >= threshold else 0 for y in y_scores]
    return 1 - accuracy_score([0] * len(y_pred), y_pred)


def _ref_find_threshold(df: pd.DataFrame, target_fpr: float, epsilon: float) -> tuple[float, float]:
    y_scores = df[(df["model"] == "human") & (df["attack"] == "none")]["score"].tolist()
    threshold = sum(y_scores) / len(y_scores)
    step, prev, iteration, found = 0.5, None, 1, []
    sign = lambda x: -1 if x < 0 else 1  # noqa: E731 - as in the original
    while abs((fpr := _ref_fpr(y_scores, threshold)) - target_fpr) > epsilon:
        found.append((threshold, fpr))
        iteration += 1
        dist = target_fpr - fpr
        if prev and sign(dist) != sign(prev):
            step *= -0.5
        elif prev and abs(dist) - abs(prev) > 0.01:
            step *= -1
        threshold += step
        prev = target_fpr - fpr
        if iteration > 50:
            diffs = [(target_fpr - f, t) for t, f in found if f > 0.0]
            pos = [(d, t) for d, t in diffs if d >= 0]
            threshold = min(pos)[1] if pos else max(diffs)[1]
            break
    return threshold, _ref_fpr(y_scores, threshold)


def _ref_tpr(df: pd.DataFrame, thresholds: dict[str, float]) -> float:
    machine = df[df["model"] != "human"]
    preds = [
        (g["score"].to_numpy() >= thresholds[d]).astype(int)
        for d, g in machine.groupby("domain", sort=False)
    ]
    y_pred = np.concatenate(preds)
    return accuracy_score(np.ones(len(y_pred)), y_pred)


def _make_gold(rng: np.random.Generator, ids: list[str], humans_per_domain: int) -> pd.DataFrame:
    """A RAID-like gold: domain, model (human or a generator), attack."""
    rows = []
    for k, rid in enumerate(ids):
        domain = DOMAINS[k % len(DOMAINS)]
        human = (k // len(DOMAINS)) < humans_per_domain
        model = "human" if human else MODELS[1 + int(rng.integers(0, 3))]
        attack = "none" if rng.random() < 0.7 else str(rng.choice(["homoglyph", "paraphrase"]))
        rows.append({"id": rid, "model": model, "domain": domain, "attack": attack})
    return pd.DataFrame(rows)


SPEC = {
    "format": "json",
    "value_field": "score",
    "gold_value_field": "model",
    "value_type": "number",
    "metrics": [
        {
            "name": "tpr_at_fpr",
            "fpr": 0.05,
            "negative": "human",
            "domain_field": "domain",
            "attack_field": "attack",
        },
        {"name": "auroc", "negative": "human"},
    ],
    "group_fields": ["domain", "model", "attack"],
}


def _check_against_reference(
    gold_df: pd.DataFrame, scores: dict[str, float], tmp_path: Path
) -> None:
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_df.to_dict("records"))
    pred = tmp_path / "predictions.json"
    pred.write_text(json.dumps([{"id": k, "score": v} for k, v in scores.items()]))
    result = score(SPEC, gold, pred)
    assert result["ok"], result
    df = gold_df.join(
        pd.DataFrame({"id": list(scores), "score": list(scores.values())}).set_index("id"), on="id"
    )
    thresholds = {
        d: _ref_find_threshold(df[df.domain == d], 0.05, 0.0005)[0] for d in df.domain.unique()
    }
    out = result["scores"]["all"]
    assert out["overall"]["tpr_at_fpr"] == pytest.approx(_ref_tpr(df, thresholds), abs=1e-9)
    for d in DOMAINS:
        want = _ref_tpr(df[df.domain == d], thresholds)
        assert out["groups"]["domain"][d]["tpr_at_fpr"] == pytest.approx(want, abs=1e-9)
    for m in MODELS[1:]:
        want = _ref_tpr(df[(df.model == m) | (df.model == "human")], thresholds)
        assert out["groups"]["model"][m]["tpr_at_fpr"] == pytest.approx(want, abs=1e-9)
    assert out["groups"]["model"]["human"]["tpr_at_fpr"] is None  # no machine text to detect


def test_tpr_at_fpr_matches_raid_evaluation_on_synthetic_scores(tmp_path: Path):
    rng = np.random.default_rng(5)
    ids = [f"id-{k}" for k in range(4000)]
    gold_df = _make_gold(rng, ids, humans_per_domain=120)
    human = (gold_df.model == "human").to_numpy()
    raw = np.where(human, rng.beta(2, 5, len(ids)), rng.beta(5, 2, len(ids)))
    _check_against_reference(gold_df, dict(zip(ids, raw.tolist(), strict=True)), tmp_path)


def test_unbounded_scores_and_ties_take_the_fallback_like_raid(tmp_path: Path):
    """Scores far outside [0, 1] with heavy ties: the search cannot reach 5% and falls back."""
    rng = np.random.default_rng(9)
    ids = [f"id-{k}" for k in range(1600)]
    gold_df = _make_gold(rng, ids, humans_per_domain=40)
    raw = np.round(rng.normal(30, 15, len(ids)), 0)
    _check_against_reference(gold_df, dict(zip(ids, raw.tolist(), strict=True)), tmp_path)


def test_threshold_search_equals_reference_step_by_step():
    rng = np.random.default_rng(0)
    for trial in range(30):
        n = int(rng.integers(5, 400))
        scores = rng.normal(rng.uniform(-3, 3), rng.uniform(0.01, 20), n)
        if trial % 3 == 0:
            scores = np.round(scores)
        df = pd.DataFrame({"model": "human", "attack": "none", "score": scores})
        want = _ref_find_threshold(df, 0.05, 0.0005)
        got = raid_threshold(scores, 0.05, 0.0005)
        assert got == want


def test_fpr_arithmetic_reproduces_official_reported_values(shared_data: Path):
    """RAID reports FPR as 1 - accuracy: 10 of 200 human texts is 0.050000000000000044."""
    for team in ("DistilBERT-NITS", "1-800-Shared-Tasks-2"):
        official = json.loads(
            (shared_data / "raid-task3" / team / "results_2024-11-08_official.json").read_text()
        )
        for domain, fpr in official["fpr"].items():
            # 200 human, non-attacked texts per domain in the test split.
            flagged = round(fpr * 200)
            neg = np.sort(np.concatenate([np.zeros(200 - flagged), np.ones(flagged)]))
            from scorers.metrics.ranking import _fpr

            assert _fpr(neg, 0.5) == fpr, (team, domain)


def test_official_aggregate_is_the_share_of_machine_texts_over_thresholds(shared_data: Path):
    """The official no-adversarial score is tp / (tp + fn): the definition our metric uses."""
    official = json.loads(
        (
            shared_data / "raid-task3" / "DistilBERT-NITS" / "results_2024-11-08_official.json"
        ).read_text()
    )
    agg = official["score_agg"]["no_adversarial"]
    assert agg["accuracy"] == agg["tp"] / (agg["tp"] + agg["fn"])
    per_domain = [
        s
        for s in official["scores"]
        if s["model"] == "all"
        and s["decoding"] == "all"
        and s["repetition_penalty"] == "all"
        and s["attack"] == "none"
        and s["domain"] != "all"
    ]
    assert sum(s["tp"] for s in per_domain) == agg["tp"]


def test_real_raid_submission_scores_through_the_cli(shared_data: Path, tmp_path: Path):
    """The real 56,000-record predictions.json, with a synthetic gold of the official shape.

    The test labels are secret, so the gold is made up (200 human texts per domain as in the
    official split); the number must still equal the reference evaluation on that gold.
    """
    records = json.loads(
        (shared_data / "raid-task3" / "DistilBERT-NITS" / "predictions.json").read_text()
    )
    assert len(records) == 56_000
    rng = np.random.default_rng(2024)
    ids = [r["id"] for r in records]
    gold_df = _make_gold(rng, list(rng.permutation(ids)), humans_per_domain=200)
    gold_df["attack"] = "none"  # this submission covers the non-adversarial split
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_df.to_dict("records"))
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(SPEC))
    pred = shared_data / "raid-task3" / "DistilBERT-NITS" / "predictions.json"
    code, out = run_cli("score", "--spec", str(spec_path), "--gold", str(gold), "--pred", str(pred))
    assert code == 0, out
    df = gold_df.join(pd.DataFrame(records).set_index("id"), on="id")
    thresholds = {
        d: _ref_find_threshold(df[df.domain == d], 0.05, 0.0005)[0] for d in df.domain.unique()
    }
    assert out["scores"]["all"]["overall"]["tpr_at_fpr"] == pytest.approx(
        _ref_tpr(df, thresholds), abs=1e-9
    )
