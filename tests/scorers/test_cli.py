"""The command line: output shape, exit codes, gold checks, comparisons, import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scorers.conftest import run_cli, write_jsonl

GOLD = [
    {
        "id": f"d{i}",
        "label": ["human", "machine"][i % 2],
        "lang": ["en", "es", "de"][i % 3],
        "partition": ["public", "private"][i % 4 == 0],
    }
    for i in range(40)
]
SPEC = {
    "format": "jsonl",
    "labels": ["human", "machine"],
    "metrics": [
        "accuracy",
        {"name": "f1", "average": "macro", "per_class": True, "key": "macro_f1"},
    ],
    "group_fields": ["lang"],
    "partition_field": "partition",
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD)
    preds = [{"id": r["id"], "label": r["label"] if i % 5 else "human"} for i, r in enumerate(GOLD)]
    pred = write_jsonl(tmp_path / "pred.jsonl", preds)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    return {"gold": str(gold), "pred": str(pred), "spec": str(spec), "tmp": str(tmp_path)}


def test_score_prints_public_and_private_with_groups_and_exits_0(files):
    code, out = run_cli(
        "score", "--spec", files["spec"], "--gold", files["gold"], "--pred", files["pred"]
    )
    assert code == 0 and out["ok"] is True
    assert set(out["scores"]) == {"public", "private"}
    public = out["scores"]["public"]
    assert set(public["overall"]) == {"accuracy", "macro_f1", "f1[human]", "f1[machine]"}
    assert set(public["groups"]["lang"]) == {"en", "es", "de"}
    assert all(isinstance(v, float) for v in public["overall"].values())


def test_invalid_submission_exits_1_with_errors(files):
    bad = Path(files["tmp"]) / "bad.jsonl"
    bad.write_text('{"id": "d0", "label": "robot"}\n')
    code, out = run_cli(
        "score", "--spec", files["spec"], "--gold", files["gold"], "--pred", str(bad)
    )
    assert code == 1 and out["ok"] is False
    assert out["errors"][0]["line"] == 1


def test_bad_spec_and_bad_gold_exit_2(files):
    spec = Path(files["tmp"]) / "bad-spec.json"
    spec.write_text(json.dumps({**SPEC, "metrics": ["acuracy"]}))
    code, out = run_cli(
        "score", "--spec", str(spec), "--gold", files["gold"], "--pred", files["pred"]
    )
    assert code == 2 and out["kind"] == "spec" and "acuracy" in out["errors"][0]["message"]
    gold = Path(files["tmp"]) / "bad-gold.jsonl"
    gold.write_text('{"id": "x", "label": "human", "lang": "en", "partition": "secret"}\n')
    code, out = run_cli(
        "score", "--spec", files["spec"], "--gold", str(gold), "--pred", files["pred"]
    )
    assert code == 2 and out["kind"] == "gold"
    code, out = run_cli("check", "--spec", files["spec"], "--gold", str(gold))
    assert code == 2 and "public or private" in out["errors"][0]["message"]


def test_check_accepts_a_valid_gold(files):
    code, out = run_cli("check", "--spec", files["spec"], "--gold", files["gold"])
    assert (code, out) == (0, {"ok": True, "errors": []})


def test_compare_runs_a_paired_bootstrap(files):
    code, out = run_cli(
        "compare",
        "--spec",
        files["spec"],
        "--gold",
        files["gold"],
        "--pred",
        files["pred"],
        "--pred-b",
        files["pred"],
        "--samples",
        "50",
    )
    assert code == 0
    assert out["comparison"]["delta"] == 0.0 and out["comparison"]["p_value"] == 1.0


def test_cli_imports_neither_scipy_nor_sklearn_nor_pandas():
    code = (
        "import sys, scorers.cli, scorers.fastpath; "
        "print(sorted(m for m in ('scipy', 'sklearn', 'pandas', 'django') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_metric_values_of_undefined_groups_are_null(tmp_path: Path):
    gold = write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {"id": "a", "score": 1.0, "lang": "en"},
            {"id": "b", "score": 2.0, "lang": "en"},
            {"id": "c", "score": 3.0, "lang": "fr"},
        ],
    )
    pred = write_jsonl(
        tmp_path / "pred.jsonl",
        [{"id": "a", "score": 1.5}, {"id": "b", "score": 2.5}, {"id": "c", "score": 2.0}],
    )
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(
            {
                "format": "jsonl",
                "value_field": "score",
                "value_type": "number",
                "metrics": ["pearson", "mae"],
                "group_fields": ["lang"],
            }
        )
    )
    code, out = run_cli("score", "--spec", str(spec), "--gold", str(gold), "--pred", str(pred))
    assert code == 0
    assert out["scores"]["all"]["groups"]["lang"]["fr"] == {"pearson": None, "mae": 1.0}
