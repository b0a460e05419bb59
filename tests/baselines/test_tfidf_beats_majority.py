"""TF-IDF classifiers learn detection, attribution and dialect identification from small data."""

from __future__ import annotations

import pytest

import baselines

CASES = [
    ("mgt", "a"),  # binary detection, JSON Lines
    ("mgt", "b"),  # attribution to one of six authors
    ("dialects", "country"),  # 21 imbalanced dialect labels, positional txt
]


@pytest.mark.parametrize("method", ["tfidf-lr", "tfidf-svm"])
@pytest.mark.parametrize(("task", "slug"), CASES)
def test_tfidf_beats_the_majority_class_on_dev(demo, tmp_path, method, task, slug):
    split = demo(task, slug, n_train=1500, n_dev=400)
    result = baselines.run(
        method=method,
        spec=split.spec,
        train=split.train,
        dev=split.dev,
        dev_gold=split.dev_gold,
        test=split.test,
        out=tmp_path / f"pred.{split.spec['format']}",
    )

    majority = split.constant_score(split.majority())
    assert result.task == "classification"
    assert result.dev_primary >= majority + 0.15, (result.dev_scores, majority)
    split.check_test_predictions(result.out_path)


def test_auroc_spec_gets_machine_probabilities_not_labels(demo, tmp_path):
    split = demo("mgt", "a", n_train=1500, n_dev=400)
    spec = {
        **split.spec,
        "value_type": "number",
        "primary": "auroc",
        "metrics": [{"name": "auroc", "positive": "machine"}],
    }
    spec.pop("labels")
    split.spec = spec

    result = baselines.run(
        method="tfidf-lr",
        spec=spec,
        train=split.train,
        dev=split.dev,
        dev_gold=split.dev_gold,
        test=split.test,
        out=tmp_path / "pred.jsonl",
    )

    assert result.dev_primary >= 0.75  # a constant score has AUROC 0.5
    values = [row["label"] for row in _rows(result.out_path)]
    assert all(isinstance(v, float) and 0 <= v <= 1 for v in values)
    split.check_test_predictions(result.out_path)


def _rows(path):
    import json

    return [json.loads(line) for line in path.read_text().splitlines()]
