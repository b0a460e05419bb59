"""The word log-odds baseline finds the human-to-machine boundary better than a constant guess."""

from __future__ import annotations

import statistics

import numpy as np

import baselines
from baselines.boundary import WordLogOdds

from .conftest import read_jsonl


def test_word_logodds_beats_the_median_boundary_on_dev(demo, tmp_path):
    split = demo("mgt", "c", n_train=1500, n_dev=300)
    result = baselines.run(
        method="word-logodds",
        spec=split.spec,
        train=split.train,
        dev=split.dev,
        dev_gold=split.dev_gold,
        test=split.test,
        out=tmp_path / "pred.jsonl",
    )
    median = statistics.median(row["label"] for row in read_jsonl(split.train))
    constant = split.constant_score(int(median))
    assert result.task == "boundary"
    assert result.dev_primary <= 0.8 * constant, (result.dev_scores, constant)
    split.check_test_predictions(result.out_path)


def test_a_text_with_a_clear_switch_gets_its_boundary():
    model = WordLogOdds(alpha=1.0, lowercase=True).fit(
        ["we went home late tonight delve tapestry testament",
         "home late we went multifaceted delve tapestry"],
        [5, 4],
    )  # fmt: skip
    assert model.predict(["we went home tapestry delve testament"])[0] == 3
    assert model.word_scores("").shape == (0, 2)
    assert np.isfinite(model.word_scores("never seen words")).all()
