"""Breakdowns equal direct computations on each subset; bootstrap is seeded and sensible."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

import scorers
from tests.scorers.conftest import write_jsonl


def _files(tmp_path: Path, n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        truth = str(rng.choice(["x", "y", "z"]))
        rows.append(
            {
                "id": f"r{i}",
                "label": truth,
                "lang": str(rng.choice(["en", "fr"])),
                "partition": str(rng.choice(["public", "private"])),
            }
        )
    preds = [
        {
            "id": r["id"],
            "label": r["label"] if rng.random() < 0.7 else str(rng.choice(["x", "y", "z"])),
        }
        for r in rows
    ]
    return (
        rows,
        preds,
        write_jsonl(tmp_path / "gold.jsonl", rows),
        write_jsonl(tmp_path / "pred.jsonl", preds),
    )


def test_partitions_and_groups_equal_direct_sklearn_on_each_subset(tmp_path: Path):
    rows, preds, gold, pred = _files(tmp_path)
    spec = {
        "format": "jsonl",
        "metrics": ["macro_f1", "accuracy"],
        "group_fields": ["lang"],
        "partition_field": "partition",
    }
    result = scorers.score_files(spec, gold, pred)
    by_id = {p["id"]: p["label"] for p in preds}
    for part in ("public", "private"):
        sub = [r for r in rows if r["partition"] == part]
        t = [r["label"] for r in sub]
        p = [by_id[r["id"]] for r in sub]
        assert result["scores"][part]["overall"]["macro_f1"] == pytest.approx(
            skm.f1_score(t, p, average="macro", zero_division=0), abs=1e-12
        )
        for lang in ("en", "fr"):
            t = [r["label"] for r in sub if r["lang"] == lang]
            p = [by_id[r["id"]] for r in sub if r["lang"] == lang]
            assert result["scores"][part]["groups"]["lang"][lang]["accuracy"] == pytest.approx(
                skm.accuracy_score(t, p), abs=1e-12
            )


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate(tmp_path: Path):
    _, _, gold, pred = _files(tmp_path)
    spec = {
        "format": "jsonl",
        "metrics": ["accuracy"],
        "bootstrap": {"samples": 200, "seed": 7, "confidence": 0.95},
    }
    first = scorers.score_files(spec, gold, pred)["scores"]["all"]
    again = scorers.score_files(spec, gold, pred)["scores"]["all"]
    assert first["ci"] == again["ci"]
    low, high = first["ci"]["accuracy"]
    assert low < first["overall"]["accuracy"] < high and high - low < 0.2
    other = scorers.score_files(
        {**spec, "bootstrap": {"samples": 200, "seed": 8, "confidence": 0.95}}, gold, pred
    )
    assert other["scores"]["all"]["ci"] != first["ci"]


def test_paired_bootstrap_separates_a_better_system(tmp_path: Path):
    rows, _, gold, _ = _files(tmp_path)
    good = write_jsonl(
        tmp_path / "good.jsonl", [{"id": r["id"], "label": r["label"]} for r in rows]
    )
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": r["id"], "label": "x"} for r in rows])
    spec = {"format": "jsonl", "metrics": ["accuracy"]}
    out = scorers.compare_files(spec, gold, good, bad, samples=200, seed=1)["comparison"]
    assert out["delta"] > 0.5 and out["p_value"] < 0.01
    assert out["ci"][0] > 0


def test_score_files_returns_exactly_what_the_cli_prints(tmp_path: Path):
    from tests.scorers.conftest import run_cli

    _, _, gold, pred = _files(tmp_path, n=50)
    spec = {
        "format": "jsonl",
        "metrics": ["macro_f1"],
        "group_fields": ["lang"],
        "partition_field": "partition",
    }
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    _, printed = run_cli(
        "score", "--spec", str(spec_path), "--gold", str(gold), "--pred", str(pred)
    )
    assert printed == json.loads(json.dumps(scorers.score_files(spec, gold, pred)))


def test_check_gold_reports_each_problem(tmp_path: Path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"id": "a", "label": "x", "partition": "public", "lang": "en"}\n'
        '{"id": "a", "label": "x", "partition": "public", "lang": "en"}\n'
        '{"id": "b", "label": "w", "partition": "public", "lang": "en"}\n'
        '{"id": "c", "label": "x", "partition": "hidden", "lang": "en"}\n'
        '{"id": "d", "label": "x", "partition": "public"}\n'
        '{"label": "x", "partition": "public", "lang": "en"}\n'
    )
    spec = {
        "format": "jsonl",
        "labels": ["x", "y"],
        "metrics": ["accuracy"],
        "group_fields": ["lang"],
        "partition_field": "partition",
    }
    errors = scorers.check_gold(spec, gold)
    assert [e["line"] for e in errors] == [2, 3, 4, 5, 6]
