"""Partial coverage (FIGNEWS annotation tracks): a team labels a subset of the items.

Missing ids are allowed down to the spec's min_coverage; the answered items are scored against
the gold (Cohen's kappa as scikit-learn computes it) and counted by items_covered; unknown and
duplicate ids are refused exactly as without coverage.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import accuracy_score, cohen_kappa_score

import scorers
from tests.scorers.conftest import score, write_jsonl

LABELS = ["Unbiased", "Biased against A", "Biased against B", "Unclear"]


def _gold(tmp_path: Path, n: int = 40) -> tuple[Path, list[dict]]:
    rows = [
        {"id": f"p{i}", "label": LABELS[(i * 7) % 4], "partition": "public" if i % 3 else "private"}
        for i in range(n)
    ]
    return write_jsonl(tmp_path / "gold.jsonl", rows), rows


SPEC = {
    "format": "jsonl",
    "labels": LABELS,
    "metrics": ["cohen_kappa", "accuracy", "items_covered"],
    "min_coverage": 0.5,
    "partition_field": "partition",
}


def test_a_subset_is_scored_on_the_items_it_covers(tmp_path: Path):
    gold_path, gold = _gold(tmp_path)
    answered = gold[::2][:15] + gold[1::2][:10]  # 25 of 40, both partitions
    preds = [{"id": r["id"], "label": LABELS[(i * 3) % 4]} for i, r in enumerate(answered)]
    result = score(SPEC, gold_path, write_jsonl(tmp_path / "pred.jsonl", preds[::-1]))
    assert result["ok"], result
    truth = {r["id"]: r for r in gold}
    for partition in ("public", "private"):
        rows = [p for p in preds if truth[p["id"]]["partition"] == partition]
        t = [truth[p["id"]]["label"] for p in rows]
        y = [p["label"] for p in rows]
        got = result["scores"][partition]["overall"]
        assert got["items_covered"] == len(rows)
        assert got["accuracy"] == pytest.approx(accuracy_score(t, y), abs=1e-12)
        assert got["cohen_kappa"] == pytest.approx(cohen_kappa_score(t, y), abs=1e-12)


def test_too_little_coverage_is_refused_with_the_counts(tmp_path: Path):
    gold_path, gold = _gold(tmp_path)
    preds = [{"id": r["id"], "label": r["label"]} for r in gold[:19]]
    result = score(SPEC, gold_path, write_jsonl(tmp_path / "pred.jsonl", preds))
    assert not result["ok"]
    (error,) = result["errors"]
    assert "19 of the 40 ids" in error["message"] and "at least 20" in error["message"]


def test_unknown_and_duplicate_ids_are_still_refused(tmp_path: Path):
    gold_path, gold = _gold(tmp_path)
    preds = [{"id": r["id"], "label": r["label"]} for r in gold[:30]]
    preds += [{"id": "nope", "label": LABELS[0]}, {"id": gold[0]["id"], "label": LABELS[1]}]
    result = score(SPEC, gold_path, write_jsonl(tmp_path / "pred.jsonl", preds))
    assert not result["ok"]
    messages = {(e["line"], e["message"].split(" ")[0]) for e in result["errors"]}
    assert (31, "unknown") in messages and (32, "duplicate") in messages


def test_without_min_coverage_every_id_is_needed(tmp_path: Path):
    gold_path, gold = _gold(tmp_path)
    preds = [{"id": r["id"], "label": r["label"]} for r in gold[:39]]
    spec = {k: v for k, v in SPEC.items() if k != "min_coverage"}
    result = score(spec, gold_path, write_jsonl(tmp_path / "pred.jsonl", preds))
    assert not result["ok"] and "have no prediction" in result["errors"][0]["message"]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"min_coverage": 0}, "min_coverage must be a number above 0"),
        ({"min_coverage": 1.5}, "min_coverage must be a number above 0"),
        ({"min_coverage": True}, "min_coverage must be a number above 0"),
        ({"format": "txt", "partition_field": None}, "positional txt"),
        ({"metrics": ["items_covered"]}, "not only counts"),
    ],
)
def test_bad_coverage_specs_are_refused(patch: dict, message: str):
    spec = {k: v for k, v in {**SPEC, **patch}.items() if v is not None}
    with pytest.raises(scorers.SpecError, match=message):
        scorers.load_spec(spec)


def test_items_covered_sits_beside_any_kind_of_metric(tmp_path: Path):
    gold = write_jsonl(tmp_path / "g.jsonl", [{"id": i, "score": i / 10} for i in range(10)])
    pred = write_jsonl(tmp_path / "p.jsonl", [{"id": i, "score": i / 9} for i in range(0, 10, 2)])
    spec = {
        "format": "jsonl",
        "value_field": "score",
        "value_type": "number",
        "metrics": ["items_covered", "pearson"],
        "primary": "pearson",
        "min_coverage": 0.5,
    }
    got = score(spec, gold, pred)["scores"]["all"]["overall"]
    assert got == {"items_covered": 5.0, "pearson": pytest.approx(1.0)}
