"""Unsupervised cosine methods track STS similarity without seeing a training score."""

from __future__ import annotations

import pytest

import baselines
from baselines.models import default_model_path

from .conftest import THREADS


def _run(split, tmp_path, method: str, **kwargs):
    return baselines.run(
        method=method,
        spec=split.spec,
        train=split.train,
        dev=split.dev,
        dev_gold=split.dev_gold,
        test=split.test,
        out=tmp_path / "pred.txt",
        text_fields=("sentence1", "sentence2"),
        **kwargs,
    )


def _values(path):
    return [float(line) for line in path.read_text().splitlines()]


def test_tfidf_cosine_correlates_with_similarity(demo, tmp_path):
    split = demo("sts", "en", n_train=500, n_dev=300)
    result = _run(split, tmp_path, "tfidf-cosine")

    assert result.task == "regression"
    assert result.dev_primary >= 0.5, result.dev_scores  # a constant has no correlation at all
    assert all(0 <= v <= 5 for v in _values(result.out_path))  # scaled into the spec's range
    split.check_test_predictions(result.out_path)


@pytest.mark.slow
def test_embedding_cosine_with_the_packaged_minilm(demo, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    split = demo("sts", "en", n_train=50, n_dev=120)
    result = _run(
        split, tmp_path, "embedding-cosine", model=default_model_path(), params={"threads": THREADS}
    )

    assert result.dev_primary >= 0.5, result.dev_scores
    assert result.device == "cpu"
    split.check_test_predictions(result.out_path)


def test_a_similarity_method_needs_two_text_fields(demo, tmp_path):
    split = demo("sts", "en", n_train=20, n_dev=20)
    with pytest.raises(baselines.BaselineError, match="two text fields"):
        baselines.run(
            method="tfidf-cosine",
            spec=split.spec,
            train=split.train,
            dev=split.dev,
            test=split.test,
            out=tmp_path / "p.txt",
            text_fields=("sentence1",),
        )
