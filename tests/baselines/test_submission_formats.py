"""Predictions are written in every submission format the scorers accept."""

from __future__ import annotations

import json

import pytest

import baselines
import scorers
from baselines.files import write_predictions

from .conftest import write_jsonl

IDS = ["r1", "r2", "r3"]


def _spec(fmt: str, **extra) -> dict:
    return {"format": fmt, "id_field": "id", "value_field": "label", **extra}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "tsv", "json", "txt"])
@pytest.mark.parametrize(
    ("extra", "gold", "values"),
    [
        (
            {"value_type": "label", "labels": ["no", "yes"], "metrics": ["accuracy"]},
            ["yes", "no", "yes"],
            ["yes", "no", "no"],
        ),
        ({"value_type": "integer", "metrics": ["mae"]}, [3, 0, 7], [2, 0, 9]),
        (
            {"value_type": "number", "range": [0, 5], "metrics": ["pearson"]},
            [0.5, 4.25, 2.0],
            [1.0, 4.5, 2.125],
        ),
    ],
)
def test_written_predictions_are_a_valid_submission(tmp_path, fmt, extra, gold, values):
    spec = _spec(fmt, separator=";", **extra) if fmt == "csv" else _spec(fmt, **extra)
    gold_path = write_jsonl(
        tmp_path / "gold.jsonl", [{"id": i, "label": g} for i, g in zip(IDS, gold, strict=True)]
    )
    pred = write_predictions(
        tmp_path / f"pred.{fmt}",
        fmt=fmt,
        id_field="id",
        value_field="label",
        row_ids=IDS,
        values=values,
        separator=spec.get("separator", ","),
    )

    result = scorers.score_files(spec, gold_path, pred)

    assert result["ok"], result


def test_integer_predictions_are_rounded_and_clipped_to_the_range(tmp_path):
    rows = [{"id": f"t{i}", "text": "one two three four", "label": i % 3} for i in range(30)]
    spec = {
        "format": "jsonl",
        "id_field": "id",
        "value_field": "label",
        "value_type": "integer",
        "range": [0, 2],
        "metrics": ["mae"],
    }
    train = write_jsonl(tmp_path / "train.jsonl", rows)
    test = write_jsonl(tmp_path / "test.jsonl", [{"id": "x", "text": "two"}])

    # A regression task on integers is what --task regression gives for e.g. ordinal ratings.
    with pytest.raises(baselines.BaselineError, match="does not do regression"):
        baselines.run(
            method="tfidf-lr",
            spec=spec,
            train=train,
            test=test,
            out=tmp_path / "p.jsonl",
            task="regression",
        )

    from baselines.task import Job, finalize
    from scorers import load_spec

    job = Job(
        spec=load_spec(spec),
        task="regression",
        fields=("text",),
        train=[],
        y=[],
        dev=[],
        test=[],
        labels=(),
        params={},
    )
    assert finalize(job, [-0.7, 0.6, 1.5, 9.0]) == [0, 1, 2, 2]


def test_a_dev_file_with_labels_is_its_own_gold(demo, tmp_path):
    split = demo("mgt", "a", n_train=600, n_dev=200)
    gold = {r["id"]: r for r in map(json.loads, split.dev_gold.read_text().splitlines())}
    dev_rows = [
        {**r, "label": gold[r["id"]]["label"]}
        for r in map(json.loads, split.dev.read_text().splitlines())
    ]
    labelled = write_jsonl(tmp_path / "dev-labelled.jsonl", dev_rows)

    with_gold = baselines.run(
        method="tfidf-svm",
        spec=split.spec,
        train=split.train,
        dev=split.dev,
        dev_gold=split.dev_gold,
        test=split.test,
        out=tmp_path / "a.jsonl",
    )
    self_gold = baselines.run(
        method="tfidf-svm",
        spec=split.spec,
        train=split.train,
        dev=labelled,
        test=split.test,
        out=tmp_path / "b.jsonl",
        dev_out=tmp_path / "dev.jsonl",
    )

    assert self_gold.dev_scores == with_gold.dev_scores
    assert scorers.score_files(split.dev_spec(), split.dev_gold, self_gold.dev_out_path)["ok"]


def test_without_dev_gold_there_is_no_dev_score(demo, tmp_path):
    split = demo("mgt", "a", n_train=300, n_dev=50)
    result = baselines.run(
        method="tfidf-lr",
        spec=split.spec,
        train=split.train,
        dev=split.dev,
        test=split.test,
        out=tmp_path / "p.jsonl",
    )

    assert result.dev_scores is None and result.dev_primary is None
    split.check_test_predictions(result.out_path)
