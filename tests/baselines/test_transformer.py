"""Transformer fine-tuning runs on CPU with the packaged MiniLM for every subtask type.

A handful of optimiser steps on tiny data: these tests prove the code path (tokenising,
batching, the three heads, evaluation, early stopping, writing) rather than the accuracy a real
run reaches; only the easy topic data below must be learnt. Skipped only when torch or
transformers is missing (CI installs the ``baselines`` extra).
"""

from __future__ import annotations

import random

import pytest

import baselines
from baselines.models import default_model_path

from .conftest import THREADS, Split, read_jsonl, write_jsonl

pytest.importorskip("torch")
pytest.importorskip("transformers")

pytestmark = pytest.mark.slow

TINY = {
    "max_length": 64,
    "batch_size": 8,
    "eval_batch_size": 32,
    "threads": THREADS,
    "log_every": 1,
}


def _run(split: Split, tmp_path, params: dict, **kwargs) -> baselines.RunResult:
    events: list[dict] = []
    result = baselines.run(
        method="transformer",
        spec=split.spec,
        train=split.train,
        dev=split.dev,
        dev_gold=split.dev_gold,
        test=split.test,
        out=tmp_path / f"pred.{split.spec['format']}",
        model=default_model_path(),
        seed=0,
        params={**TINY, **params},
        progress=events.append,
        **kwargs,
    )
    result.info["events"] = events
    return result


TOPICS = {
    "sport": "football match goal team player coach stadium league score win",
    "food": "pizza bread cheese soup dinner kitchen recipe cook tomato salad",
    "music": "guitar song concert band piano singer album melody drums choir",
}


def _topic_split(tmp_path) -> Split:
    """Texts whose label is their topic: pretrained embeddings make this learnable in steps."""
    rng = random.Random(0)
    filler = ["the", "a", "of", "and", "with", "in", "on", "today", "really", "very"]

    def rows(name: str, n: int) -> list[dict]:
        out = []
        for i in range(n):
            label = rng.choice(sorted(TOPICS))
            words = rng.sample(TOPICS[label].split(), 4) + rng.sample(filler, 4)
            rng.shuffle(words)
            out.append({"id": f"{name}-{i}", "text": " ".join(words), "label": label})
        return out

    train, dev, test = rows("train", 96), rows("dev", 60), rows("test", 30)
    spec = {
        "format": "jsonl",
        "id_field": "id",
        "value_field": "label",
        "value_type": "label",
        "labels": sorted(TOPICS),
        "metrics": ["accuracy", "macro_f1"],
        "primary": "accuracy",
    }
    strip = [{"id": r["id"], "text": r["text"]} for r in dev]
    return Split(
        spec,
        write_jsonl(tmp_path / "train.jsonl", train),
        write_jsonl(tmp_path / "dev.jsonl", strip),
        write_jsonl(
            tmp_path / "dev.gold.jsonl", [{"id": r["id"], "label": r["label"]} for r in dev]
        ),
        write_jsonl(tmp_path / "test.jsonl", [{"id": r["id"], "text": r["text"]} for r in test]),
        write_jsonl(
            tmp_path / "test.gold.jsonl",
            [{"id": r["id"], "label": r["label"], "partition": "public"} for r in test],
        ),
    )


def test_sequence_classification_learns_and_reports_progress(tmp_path):
    split = _topic_split(tmp_path)
    result = _run(split, tmp_path, {"max_steps": 12, "lr": 2e-4, "eval_every": 6})

    assert result.task == "classification"
    assert result.dev_primary >= split.constant_score(split.majority()) + 0.15, result.dev_scores
    split.check_test_predictions(result.out_path)
    events = result.info["events"]
    train = [e for e in events if e["stage"] == "train"]
    assert [e["step"] for e in train] == list(range(1, 13))
    assert all(e["total_steps"] == 12 and e["loss"] > 0 for e in train)
    evals = [e for e in events if e["stage"] == "eval"]
    assert [e["step"] for e in evals] == [6, 12]
    assert evals[-1]["dev_metric"] is not None
    assert events[-1]["stage"] == "done"


def test_same_seed_gives_the_same_predictions(tmp_path):
    split = _topic_split(tmp_path)
    first = _run(split, tmp_path / "1", {"max_steps": 2})
    second = _run(split, tmp_path / "2", {"max_steps": 2})

    assert first.out_path.read_bytes() == second.out_path.read_bytes()
    assert first.dev_scores == second.dev_scores


def test_regression_writes_scores_in_range(demo, tmp_path):
    split = demo("sts", "en", n_train=48, n_dev=40)
    result = _run(split, tmp_path, {"max_steps": 4}, text_fields=("sentence1", "sentence2"))

    assert result.task == "regression"
    values = [float(v) for v in result.out_path.read_text().splitlines()]
    assert len(values) == 40 and all(0 <= v <= 5 for v in values)
    split.check_test_predictions(result.out_path)


def test_token_classification_predicts_a_word_index(demo, tmp_path):
    split = demo("mgt", "c", n_train=48, n_dev=40)
    result = _run(split, tmp_path, {"max_steps": 4, "grad_accum": 2})

    assert result.task == "boundary"
    assert result.info["steps"] == 4
    texts = [r["text"] for r in read_jsonl(split.test)]
    preds = [r["label"] for r in read_jsonl(result.out_path)]
    assert all(
        isinstance(p, int) and 0 <= p <= len(t.split()) for p, t in zip(preds, texts, strict=True)
    )
    split.check_test_predictions(result.out_path)


def test_early_stopping_restores_the_best_checkpoint(tmp_path):
    split = _topic_split(tmp_path)
    # A learning rate this high wrecks the model after the first evaluation; patience 1 stops.
    result = _run(
        split,
        tmp_path,
        {"max_steps": 30, "lr": 5e-3, "eval_every": 2, "patience": 1, "warmup_ratio": 0},
    )

    assert result.info["stopped_early"]
    assert result.info["steps"] < 30
    evals = [e["dev_metric"] for e in result.info["events"] if e["stage"] == "eval"]
    assert result.dev_primary == max(evals)
